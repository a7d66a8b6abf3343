package controllers

// VolcanoJob is Volcano's Job (batch.volcano.sh/v1alpha1, "vcjob").
//
// volcano-sh/volcano v1.15.1 (0a56ed331897),
// staging/src/volcano.sh/apis/pkg/apis/batch/v1alpha1:
//   - register.go: group batch.volcano.sh, v1alpha1; job.go: kind Job,
//     resource jobs (shortName vcjob).
//   - job.go: status.state.phase is one of Pending, Aborting, Aborted,
//     Running, Restarting, Completing, Completed, Terminating, Terminated,
//     Failed (Terminated: ended by a policy action on a pod failure;
//     Aborted: by a user's abort); status.retryCount counts the job's
//     restarts.
//   - pkg/controllers/job/state/metrics.go:
//     volcano_job_failed_phase_count{job_name,queue_name};
//     pkg/scheduler/metrics/job.go: volcano_job_retry_counts{job_id}:
//     neither carries the namespace.
//   - Kueue has no Volcano integration (kubernetes-sigs/kueue v0.19.2
//     pkg/controller/jobs lists none).
var VolcanoJob = register(&Controller{
	Name:  "volcanojob",
	Title: "Volcano Job",
	Object: Object{
		Group: "batch.volcano.sh", Version: "v1alpha1", Kind: "Job", Resource: "jobs",
		NameLabel:    "vcjob",
		LabelsMetric: MetricPrefix + "_vcjob_info",
		CRS: &CRS{Prefix: "vcjob",
			Phase: &Phase{Path: []string{"status", "state", "phase"}, States: []string{
				"Pending", "Aborting", "Aborted", "Running", "Restarting", "Completing", "Completed", "Terminating", "Terminated", "Failed",
			}},
			Counts: []CountField{
				{Name: "retry_count", Path: []string{"status", "retryCount"}, Help: "Times the Volcano Job was restarted (status.retryCount)."},
			},
		},
	},
	Failed:  State{From: FromPhase, Values: []string{"Failed", "Terminated"}},
	Running: &State{From: FromPhase, Values: []string{"Running"}},
	Retries: &Count{Field: "retry_count"},
	OwnMetrics: []OwnMetric{
		{Name: "volcano_job_failed_phase_count", Type: "counter", Labels: []string{"job_name", "queue_name"},
			Note: "no namespace label", Source: "volcano-sh/volcano@v1.15.1: pkg/controllers/job/state/metrics.go"},
		{Name: "volcano_job_retry_counts", Type: "counter", Labels: []string{"job_id"},
			Note: "no namespace label", Source: "volcano-sh/volcano@v1.15.1: pkg/scheduler/metrics/job.go"},
	},
	Sources: []string{
		"volcano-sh/volcano@v1.15.1: staging/src/volcano.sh/apis/pkg/apis/batch/v1alpha1/job.go",
		"volcano-sh/volcano@v1.15.1: staging/src/volcano.sh/apis/pkg/apis/batch/v1alpha1/register.go",
		"volcano-sh/volcano@v1.15.1: pkg/controllers/job/state/metrics.go",
	},
})
