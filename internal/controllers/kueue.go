package controllers

// Kueue is Kueue's Workload (kueue.x-k8s.io/v1beta2): Kueue creates one per
// run of a job it manages, owned by the run's object, and admits it when
// the run's quota is reserved and its admission checks pass; until then the
// run stays suspended (no pod exists, so no pod is Pending).
//
// kubernetes-sigs/kueue v0.19.2 (8eab68778fc1):
//   - apis/kueue/v1beta2/groupversion_info.go: group kueue.x-k8s.io,
//     v1beta2 (served and the storage version since v0.16; v1beta1 is
//     deprecated: config/components/crd/bases/kueue.x-k8s.io_workloads.yaml).
//     kube-state-metrics takes one version per kind.
//   - apis/kueue/v1beta2/workload_types.go: spec.queueName; condition types
//     QuotaReserved, Admitted, Finished, Evicted (metav1.Condition).
//   - pkg/controller/jobframework/reconciler.go: the Workload gets the job
//     as its controller owner (ctrl.SetControllerReference), its only owner.
//   - pkg/metrics/metrics.go: every admission metric is per cluster_queue
//     or local queue (kueue_admission_wait_time_seconds,
//     kueue_pending_workloads, ...), none per Workload.
var Kueue = &KueueWorkload{
	Object: Object{
		Group: "kueue.x-k8s.io", Version: "v1beta2", Kind: "Workload", Resource: "workloads",
		NameLabel:    "kueue_workload",
		LabelsMetric: MetricPrefix + "_kueue_workload_info",
		CRS:          &CRS{Prefix: "kueue_workload", Conditions: true},
	},
	Admitted: []string{"Admitted", "Finished"},
	Sources: []string{
		"kubernetes-sigs/kueue@v0.19.2: apis/kueue/v1beta2/workload_types.go",
		"kubernetes-sigs/kueue@v0.19.2: pkg/controller/jobframework/reconciler.go",
		"kubernetes-sigs/kueue@v0.19.2: pkg/metrics/metrics.go",
	},
}

// KueueWorkload describes Kueue's Workload object.
type KueueWorkload struct {
	Object Object
	// Admitted are the condition types that end the wait for admission
	// (a finished Workload may have released its quota).
	Admitted []string
	Sources  []string
}

// Labels of the Workload's series: its owner (the run's object), and the
// queue it waits in.
const (
	OwnerKindLabel = "owner_kind"
	OwnerNameLabel = "owner_name"
	QueueLabel     = "queue_name"
)
