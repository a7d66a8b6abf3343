package rules

import (
	"fmt"

	"github.com/dataopsgen/dataopsgen/internal/controllers"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Training alert names besides those in alerts.go.
const (
	TrainingJobRetried     = "TrainingJobRetried"
	TrainingPodPending     = "TrainingPodPending"
	TrainingRunNotAdmitted = "TrainingRunNotAdmitted"
)

// ksmLabels is the selector of a kube-state-metrics labels series
// (kube_pod_labels, kube_job_labels, a custom resource's _info) of the
// workload's objects: the Helm values allow-list the selector keys, as
// label_<key>.
func ksmLabels(metric string, w *model.Workload) string {
	pairs := []string{stack.LabelNamespace, w.Namespace}
	for _, k := range w.SelectorKeys() {
		pairs = append(pairs, stack.KSMLabel(k), w.Selector[k])
	}
	return metric + stack.Matchers(pairs...)
}

// Controller is the training controller of a training workload.
func Controller(w *model.Workload) *controllers.Controller {
	c := controllers.For(w.Training.Controller)
	if c == nil {
		// The schema admits only registered names.
		c = controllers.For("")
	}
	return c
}

// trainingAlerts reads the workload's controller (internal/controllers):
// which object a run is and which series say it failed or was retried.
func trainingAlerts(w *model.Workload) []alert {
	tr := w.Training
	c := Controller(w)
	o := c.Object
	ns := stack.Matchers(stack.LabelNamespace, w.Namespace)
	// A run's series joined with its object's labels: the runs of this
	// workload only.
	ofRuns := fmt.Sprintf("\nand on (namespace, %s)\n%s", o.NameLabel, ksmLabels(o.LabelsMetric, w))
	ofPods := "\nand on (namespace, pod)\n" + ksmLabels("kube_pod_labels", w)
	out := []alert{{
		name: TrainingPodCrashLooping,
		// Restarts come from kube-state-metrics, which knows the pod but not
		// its labels: join on kube_pod_labels to keep the workload's pods.
		expr: fmt.Sprintf("sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total%s[%s])) > %d%s",
			ns, tr.Restarts.Window, tr.Restarts.Max, ofPods),
		forDur:   tr.Restarts.For,
		severity: tr.Restarts.Severity,
		summary:  "Training pod {{ $labels.pod }} is crash-looping",
		description: fmt.Sprintf("Containers of training pod {{ $labels.pod }} (workload %s) in namespace {{ $labels.namespace }} "+
			"restarted {{ $value | printf \"%%.0f\" }} times in the last %s (allowed: %d).", w.Name, tr.Restarts.Window, tr.Restarts.Max),
		source: w.Path("training", "restarts"),
	}}
	if tr.JobFailed.Enabled {
		metric, label := c.Selector(c.Failed)
		out = append(out, alert{
			name: TrainingJobFailed,
			expr: fmt.Sprintf("sum by (namespace, %s) (%s%s) > 0%s", o.NameLabel, metric,
				stack.Matchers(stack.LabelNamespace, w.Namespace, label, controllers.ValuesMatcher(c.Failed.Values)), ofRuns),
			forDur:   tr.JobFailed.For,
			severity: tr.JobFailed.Severity,
			summary:  fmt.Sprintf("Training job {{ $labels.%s }} failed", o.NameLabel),
			description: fmt.Sprintf("%s {{ $labels.%s }} of training workload %s in namespace {{ $labels.namespace }} has failed.",
				c.Title, o.NameLabel, w.Name),
			source: w.Path("training", "jobFailed"),
		})
	}
	if n := c.Retries; n != nil && tr.Retries.Enabled {
		out = append(out, alert{
			name: TrainingJobRetried,
			expr: fmt.Sprintf("sum by (namespace, %s) (increase(%s%s[%s])) > %d%s", o.NameLabel, c.CountMetric(n),
				stack.Matchers(append([]string{stack.LabelNamespace, w.Namespace}, n.Match...)...), tr.Retries.Window, tr.Retries.Max, ofRuns),
			forDur:   tr.Retries.For,
			severity: tr.Retries.Severity,
			summary:  fmt.Sprintf("Training job {{ $labels.%s }} is being retried", o.NameLabel),
			description: fmt.Sprintf("%s {{ $labels.%s }} of training workload %s in namespace {{ $labels.namespace }} "+
				"was retried {{ $value | printf \"%%.0f\" }} times in the last %s (allowed: %d).", c.Title, o.NameLabel, w.Name, tr.Retries.Window, tr.Retries.Max),
			source: w.Path("training", "retries"),
		})
	}
	if tr.Pending.Enabled {
		out = append(out, alert{
			name: TrainingPodPending,
			// Pending: not scheduled (unschedulable, e.g. no free GPU; or
			// waiting on a scheduling gate) or its containers not started
			// (images being pulled, volumes not attached).
			expr: fmt.Sprintf("max by (namespace, pod) (kube_pod_status_phase%s) == 1%s",
				stack.Matchers(stack.LabelNamespace, w.Namespace, "phase", "Pending"), ofPods),
			forDur:   tr.Pending.After,
			severity: tr.Pending.Severity,
			summary:  "Training pod {{ $labels.pod }} is stuck Pending",
			description: fmt.Sprintf("Training pod {{ $labels.pod }} (workload %s) in namespace {{ $labels.namespace }} has been Pending "+
				"for more than %s: not scheduled (unschedulable: not enough free GPUs, a node selector or taint no node satisfies) "+
				"or its containers not started (image pull, volumes).", w.Name, tr.Pending.After),
			source: w.Path("training", "pending"),
		})
	}
	if tr.Kueue.Enabled && c.Kueue {
		out = append(out, notAdmitted(w, c))
	}
	if tr.LossMetric != "" {
		out = append(out, alert{
			name:     TrainingProgressStalled,
			expr:     fmt.Sprintf("changes(%s%s[%s]) == 0", tr.LossMetric, sel(w), tr.Stalled.After),
			forDur:   tr.Stalled.For,
			severity: tr.Stalled.Severity,
			summary:  "Training pod {{ $labels.pod }} makes no progress",
			description: fmt.Sprintf("%s of training pod {{ $labels.pod }} (workload %s) in namespace {{ $labels.namespace }} "+
				"has not changed for %s.", tr.LossMetric, w.Name, tr.Stalled.After),
			source: w.Path("training", "stalled"),
		})
	}
	return out
}

// notAdmitted: a Kueue Workload owned by one of the workload's runs that is
// neither admitted nor finished, for admissionWait.after. Every Workload
// has an _info series from creation; its Admitted condition appears only
// once Kueue admits it.
func notAdmitted(w *model.Workload, c *controllers.Controller) alert {
	k := controllers.Kueue
	kc := k.Object.CRS
	o := c.Object
	owner := stack.Matchers(stack.LabelNamespace, w.Namespace, controllers.OwnerKindLabel, o.Kind)
	admitted := stack.Matchers(stack.LabelNamespace, w.Namespace, controllers.OwnerKindLabel, o.Kind,
		controllers.ConditionLabel, controllers.ValuesMatcher(k.Admitted))
	by := "namespace, " + controllers.OwnerNameLabel
	ws := w.Training.Kueue.AdmissionWait
	return alert{
		name: TrainingRunNotAdmitted,
		expr: fmt.Sprintf("max by (%s) (%s%s)\nunless on (%s)\n(max by (%s) (%s%s) == 1)\nand on (%s)\nlabel_replace(%s, %q, \"$1\", %q, \"(.+)\")",
			by, kc.InfoMetric(), owner, by, by, kc.ConditionMetric(), admitted, by,
			ksmLabels(o.LabelsMetric, w), controllers.OwnerNameLabel, o.NameLabel),
		forDur:   ws.After,
		severity: ws.Severity,
		summary:  fmt.Sprintf("Kueue has not admitted training job {{ $labels.%s }}", controllers.OwnerNameLabel),
		description: fmt.Sprintf("Kueue has not admitted %s {{ $labels.%s }} of training workload %s in namespace {{ $labels.namespace }} "+
			"for more than %s: its queue has no free quota (or an admission check is pending); the run stays suspended.",
			c.Title, controllers.OwnerNameLabel, w.Name, ws.After),
		source: w.Path("training", "kueue", "admissionWait"),
	}
}
