package controllers

// JobSet is kubernetes-sigs/jobset's JobSet (jobset.x-k8s.io/v1alpha2).
//
// kubernetes-sigs/jobset v0.12.0 (f22e565ac3cc):
//   - api/jobset/v1alpha2/groupversion_info.go: group jobset.x-k8s.io,
//     v1alpha2.
//   - api/jobset/v1alpha2/jobset_types.go: JobSetConditionType Completed,
//     Failed, Suspended, RestartingJobSet, StartupPolicyInProgress,
//     StartupPolicyCompleted; status.restarts "tracks the number of times the
//     JobSet has been globally restarted" (the failure policy's restart of
//     every child Job).
//   - pkg/metrics/metrics.go: jobset_failed_total{jobset_name,namespace},
//     jobset_completed_total (subsystem "jobset", pkg/constants).
var JobSet = register(&Controller{
	Name:  "jobset",
	Title: "JobSet",
	Object: Object{
		Group: "jobset.x-k8s.io", Version: "v1alpha2", Kind: "JobSet", Resource: "jobsets",
		NameLabel:    "jobset",
		LabelsMetric: MetricPrefix + "_jobset_info",
		CRS: &CRS{Prefix: "jobset", Conditions: true, Counts: []CountField{
			{Name: "restarts", Path: []string{"status", "restarts"}, Help: "Times the JobSet has been restarted as a whole (status.restarts)."},
		}},
	},
	Failed:  State{From: FromConditions, Values: []string{"Failed"}},
	Retries: &Count{Field: "restarts"},
	// kubernetes-sigs/kueue v0.19.2: pkg/controller/jobs/jobset.
	Kueue: true,
	OwnMetrics: []OwnMetric{{
		Name: "jobset_failed_total", Type: "counter", Labels: []string{"jobset_name", "namespace"},
		Note:   "counts the same failures as the Failed condition; needs the controller scraped, which the generated stack does not",
		Source: "kubernetes-sigs/jobset@v0.12.0: pkg/metrics/metrics.go",
	}},
	Sources: []string{
		"kubernetes-sigs/jobset@v0.12.0: api/jobset/v1alpha2/jobset_types.go",
		"kubernetes-sigs/jobset@v0.12.0: api/jobset/v1alpha2/groupversion_info.go",
		"kubernetes-sigs/jobset@v0.12.0: pkg/metrics/metrics.go",
	},
})
