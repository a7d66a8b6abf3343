package controllers

// RayJob is KubeRay's RayJob (ray.io/v1).
//
// ray-project/kuberay v1.7.0 (59d663aeec13):
//   - ray-operator/apis/ray/v1/groupversion_info.go: group ray.io, v1.
//   - ray-operator/apis/ray/v1/rayjob_types.go: status.jobDeploymentStatus is
//     one of "" (new), Initializing, Running, Complete, Failed,
//     ValidationFailed, Suspending, Suspended, Retrying, Waiting;
//     status.failed is "the number of times this job failed".
//   - ray-operator/controllers/ray/rayjob_controller.go: a job whose Ray job
//     ends FAILED gets jobDeploymentStatus Failed (not Complete);
//     checkBackoffLimitAndUpdateStatusIfNeeded counts each failed attempt in
//     status.failed and sets Retrying while status.failed <= backoffLimit.
//   - ray-operator/controllers/ray/metrics/ray_job_metrics.go:
//     kuberay_job_deployment_status{name,namespace,uid,deployment_status}.
var RayJob = register(&Controller{
	Name:  "rayjob",
	Title: "KubeRay RayJob",
	Object: Object{
		Group: "ray.io", Version: "v1", Kind: "RayJob", Resource: "rayjobs",
		NameLabel:    "rayjob",
		LabelsMetric: MetricPrefix + "_rayjob_info",
		CRS: &CRS{Prefix: "rayjob",
			Phase: &Phase{Path: []string{"status", "jobDeploymentStatus"}, States: []string{
				"Initializing", "Running", "Complete", "Failed", "ValidationFailed", "Suspending", "Suspended", "Retrying", "Waiting",
			}},
			Counts: []CountField{
				{Name: "failed", Path: []string{"status", "failed"}, Help: "Times the RayJob failed, retries included (status.failed)."},
			},
		},
	},
	Failed:  State{From: FromPhase, Values: []string{"Failed", "ValidationFailed"}},
	Running: &State{From: FromPhase, Values: []string{"Running"}},
	Retries: &Count{Field: "failed"},
	// kubernetes-sigs/kueue v0.19.2: pkg/controller/jobs/rayjob.
	Kueue: true,
	OwnMetrics: []OwnMetric{{
		Name: "kuberay_job_deployment_status", Type: "gauge", Labels: []string{"name", "namespace", "uid", "deployment_status"},
		Note:   "the same state as status.jobDeploymentStatus; needs the operator scraped, which the generated stack does not",
		Source: "ray-project/kuberay@v1.7.0: ray-operator/controllers/ray/metrics/ray_job_metrics.go",
	}},
	Sources: []string{
		"ray-project/kuberay@v1.7.0: ray-operator/apis/ray/v1/rayjob_types.go",
		"ray-project/kuberay@v1.7.0: ray-operator/controllers/ray/rayjob_controller.go",
		"ray-project/kuberay@v1.7.0: ray-operator/controllers/ray/metrics/ray_job_metrics.go",
	},
})
