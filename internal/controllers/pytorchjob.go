package controllers

// PyTorchJob is Kubeflow Training Operator v1's PyTorchJob
// (kubeflow.org/v1).
//
// kubeflow/training-operator v1.9.0 (6f74c7f6b2ed):
//   - pkg/apis/kubeflow.org/v1/groupversion_info.go: group kubeflow.org, v1;
//     pytorch_types.go: kind PyTorchJob.
//   - pkg/apis/kubeflow.org/v1/common_types.go: JobConditionType Created,
//     Running, Restarting, Succeeded, Suspended, Failed; status.conditions
//     hold them with status True/False. No restart count in status (the
//     Restarting condition comes and goes with each restart; the pods'
//     container restarts are watched for every controller).
//   - pkg/common/metrics.go: the operator's counters carry only
//     job_namespace and framework.
var PyTorchJob = register(&Controller{
	Name:  "pytorchjob",
	Title: "Kubeflow PyTorchJob",
	Object: Object{
		Group: "kubeflow.org", Version: "v1", Kind: "PyTorchJob", Resource: "pytorchjobs",
		NameLabel:    "pytorchjob",
		LabelsMetric: MetricPrefix + "_pytorchjob_info",
		CRS:          &CRS{Prefix: "pytorchjob", Conditions: true},
	},
	Failed:  State{From: FromConditions, Values: []string{"Failed"}},
	Running: &State{From: FromConditions, Values: []string{"Running"}},
	// kubernetes-sigs/kueue v0.19.2: pkg/controller/jobs/kubeflow/jobs/pytorchjob.
	Kueue:      true,
	OwnMetrics: trainingOperatorMetrics,
	Sources: []string{
		"kubeflow/training-operator@v1.9.0: pkg/apis/kubeflow.org/v1/common_types.go",
		"kubeflow/training-operator@v1.9.0: pkg/apis/kubeflow.org/v1/groupversion_info.go",
		"kubeflow/training-operator@v1.9.0: pkg/common/metrics.go",
	},
})

// trainingOperatorMetrics: kubeflow/training-operator v1.9.0
// pkg/common/metrics.go.
var trainingOperatorMetrics = []OwnMetric{
	{Name: "training_operator_jobs_failed_total", Type: "counter", Labels: []string{"job_namespace", "framework"},
		Note: "per namespace and framework: not one workload's runs", Source: "kubeflow/training-operator@v1.9.0: pkg/common/metrics.go"},
	{Name: "training_operator_jobs_restarted_total", Type: "counter", Labels: []string{"job_namespace", "framework"},
		Note: "per namespace and framework: not one workload's runs", Source: "kubeflow/training-operator@v1.9.0: pkg/common/metrics.go"},
}
