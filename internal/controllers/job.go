package controllers

// Job is the plain batch/v1 Job: kube-state-metrics knows it natively.
//
// kubernetes/kube-state-metrics v2.20.0 (4ffeda2ef866):
// internal/store/job.go, docs/metrics/workload/job-metrics.md.
//   - kube_job_failed{namespace,job_name,condition}: the Job's Failed
//     condition, one series per condition value (true|false|unknown), 1 on
//     the one that holds.
//   - kube_job_status_failed{namespace,job_name,reason}: the number of pods
//     that failed; while the Job has no Failed condition it is one series
//     without a reason label (reason="" matches it) counting the failed
//     pods, each of which the Job controller replaces (a retry under
//     backoffLimit). Once the Job fails the series turns into one 0/1
//     series per known reason.
//   - kube_job_labels{namespace,job_name,label_*}: the Job's labels in the
//     metric-labels allowlist the generated values set.
var Job = register(&Controller{
	Name:  "job",
	Title: "Job",
	Object: Object{
		Group: "batch", Version: "v1", Kind: "Job", Resource: "jobs",
		NameLabel:    "job_name",
		Native:       true,
		LabelsMetric: "kube_job_labels",
	},
	Failed:  State{From: FromMetric, Metric: "kube_job_failed", Label: "condition", Values: []string{"true"}},
	Retries: &Count{Metric: "kube_job_status_failed", Match: []string{"reason", ""}},
	// kubernetes-sigs/kueue v0.19.2 (8eab68778fc1): pkg/controller/jobs/job.
	Kueue: true,
	Sources: []string{
		"kubernetes/kube-state-metrics@v2.20.0: internal/store/job.go",
		"kubernetes-sigs/kueue@v0.19.2: pkg/controller/jobs/job/job_controller.go",
	},
})
