package controllers

// TrainJob is Kubeflow Trainer v2's TrainJob (trainer.kubeflow.org/v1alpha1),
// run through a JobSet.
//
// kubeflow/trainer v2.3.0 (658725bdae5c):
//   - pkg/apis/trainer/v1alpha1/groupversion_info.go: group
//     trainer.kubeflow.org, v1alpha1.
//   - pkg/apis/trainer/v1alpha1/trainjob_types.go: condition types
//     Suspended, Complete, Failed (metav1.Condition, status True/False);
//     status.jobsStatus counts the child Jobs (ready, succeeded, failed,
//     active, suspended), not retries.
//   - The trainer's controller exports no metric of its own (no metric
//     definition under pkg/).
var TrainJob = register(&Controller{
	Name:  "trainjob",
	Title: "Kubeflow TrainJob",
	Object: Object{
		Group: "trainer.kubeflow.org", Version: "v1alpha1", Kind: "TrainJob", Resource: "trainjobs",
		NameLabel:    "trainjob",
		LabelsMetric: MetricPrefix + "_trainjob_info",
		CRS:          &CRS{Prefix: "trainjob", Conditions: true},
	},
	Failed: State{From: FromConditions, Values: []string{"Failed"}},
	// kubernetes-sigs/kueue v0.19.2: pkg/controller/jobs/trainjob.
	Kueue: true,
	Sources: []string{
		"kubeflow/trainer@v2.3.0: pkg/apis/trainer/v1alpha1/trainjob_types.go",
		"kubeflow/trainer@v2.3.0: pkg/apis/trainer/v1alpha1/groupversion_info.go",
	},
})
