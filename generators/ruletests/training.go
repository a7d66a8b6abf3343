package ruletests

import (
	"fmt"
	"math"
	"strings"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/controllers"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

func trainingTimeline(w *model.Workload) (timeline, error) {
	tr := w.Training
	windows := []string{tr.Restarts.Window}
	if tr.LossMetric != "" {
		windows = append(windows, tr.Stalled.After)
	}
	if retried(w) {
		windows = append(windows, tr.Retries.Window)
	}
	return newTimeline(windows...)
}

// retried: the workload has the retries alert (its controller counts retries).
func retried(w *model.Workload) bool {
	return w.Training.Retries.Enabled && rules.Controller(w).Retries != nil
}

// Training failures a scenario injects at onset.
type trainingFault struct {
	crash, jobFailed, stalled bool
	// retried: the run is retried every step; pending: the pod is Pending;
	// notAdmitted: a second run is created and Kueue does not admit it.
	retried, pending, notAdmitted bool
}

// training holds what the series of a training workload depend on.
type training struct {
	w  *model.Workload
	tr *model.Training
	c  *controllers.Controller
	tl timeline
	// restarts per step of a crash-looping pod (retries per step of a
	// retried run): enough for the window's sampled increase alone to
	// exceed restarts.max (retries.max).
	restarts, retries float64
	targets           podTargets
	// pods are the pods of every scenario (series()), made once; objects
	// their kube-state-metrics label sets, made on first use.
	pods    [4]pod
	objects [4]*objects
}

func trainingTests(w *model.Workload, tl timeline, byName map[string]monitoringv1.Rule, parsed *sharedParses) ([]promunit.TestGroup, error) {
	tr := w.Training
	x := &training{w: w, tr: tr, c: rules.Controller(w), tl: tl, targets: newPodTargets(parsed),
		pods: [4]pod{podOf(w, 0), podOf(w, 1), elsewhere(w), neighbour(w)}}
	x.restarts = perStepAbove(tl, tr.Restarts.Window, tr.Restarts.Max)
	if retried(w) {
		x.retries = perStepAbove(tl, tr.Retries.Window, tr.Retries.Max)
	}
	after, _ := dur(tr.Stalled.After)

	crash, err := lookup(tl, byName, rules.TrainingPodCrashLooping, tr.Restarts.For)
	if err == nil && crash != nil {
		err = x.counterCrossing(crash, tr.Restarts.Window, tr.Restarts.Max, x.restartCounter)
	}
	if err != nil {
		return nil, err
	}
	// The failed state appears at onset.
	failed, err := lookup(tl, byName, rules.TrainingJobFailed, tr.JobFailed.For)
	if err != nil {
		return nil, err
	}
	retry, err := lookup(tl, byName, rules.TrainingJobRetried, tr.Retries.For)
	if err == nil && retry != nil {
		err = x.counterCrossing(retry, tr.Retries.Window, tr.Retries.Max, x.retryCounter)
	}
	if err != nil {
		return nil, err
	}
	// The pod turns Pending, the unadmitted run appears, at onset.
	pending, err := lookup(tl, byName, rules.TrainingPodPending, tr.Pending.After)
	if err != nil {
		return nil, err
	}
	waiting, err := lookup(tl, byName, rules.TrainingRunNotAdmitted, tr.Kueue.AdmissionWait.After)
	if err != nil {
		return nil, err
	}
	// changes(loss[after]) == 0 holds from the first evaluation whose range
	// no longer holds the sample before the last change: onset+after-step.
	stalled, err := lookup(tl, byName, rules.TrainingProgressStalled, tr.Stalled.For)
	if err != nil {
		return nil, err
	}
	if stalled != nil {
		stalled.onFrom = tl.onset + after - tl.step
		stalled.onBy = stalled.onFrom
	}
	all := []*alertRule{crash, failed, retry, pending, waiting, stalled}
	p0 := podOf(w, 0)
	o := x.c.Object
	var out []*scenario
	var ex expander // the expected alerts' templates, expanded before the series are made
	add := func(name string, f trainingFault) *scenario {
		s := &scenario{name: name, build: func(n int) ([]promunit.Series, error) { return x.series(f, n) }}
		out = append(out, s)
		return s
	}
	add("healthy: no restart, no failed job, loss going down: no alert", trainingFault{}).quiet(latest(tl, all...), all...)
	if crash != nil {
		s := add(fmt.Sprintf("%s: pod %s restarts %s time(s) every %s, more than %d in %s", crash.rule.Alert, p0.name, num(x.restarts),
			modelDur(tl.step), tr.Restarts.Max, tr.Restarts.Window),
			trainingFault{crash: true})
		// The value is the increase PromQL computes over the restart counter.
		window, _ := dur(tr.Restarts.Window)
		restarts := x.restartCounter(true, tl.samples(crash.fires(tl)))
		exp := fire(&ex, crash, labelSet{stack.LabelNamespace: w.Namespace, stack.LabelPod: p0.name}, tl.increase(restarts.samples(), crash.fires(tl), window))
		s.breaks(tl, crash, exp, except(all, crash)...)
	}
	if failed != nil {
		exp := fire(&ex, failed, labelSet{stack.LabelNamespace: w.Namespace, o.NameLabel: jobName(p0)}, 1)
		add(fmt.Sprintf("%s: %s %s fails", failed.rule.Alert, x.c.Title, jobName(p0)), trainingFault{jobFailed: true}).breaks(tl, failed, exp, except(all, failed)...)
	}
	if retry != nil {
		window, _ := dur(tr.Retries.Window)
		retries := x.retryCounter(true, tl.samples(retry.fires(tl)))
		exp := fire(&ex, retry, labelSet{stack.LabelNamespace: w.Namespace, o.NameLabel: jobName(p0)}, tl.increase(retries.samples(), retry.fires(tl), window))
		add(fmt.Sprintf("%s: %s %s is retried %s time(s) every %s, more than %d in %s", retry.rule.Alert, x.c.Title, jobName(p0), num(x.retries),
			modelDur(tl.step), tr.Retries.Max, tr.Retries.Window), trainingFault{retried: true}).breaks(tl, retry, exp, except(all, retry)...)
	}
	if pending != nil {
		exp := fire(&ex, pending, labelSet{stack.LabelNamespace: w.Namespace, stack.LabelPod: p0.name}, 1)
		add(fmt.Sprintf("%s: pod %s is Pending for %s", pending.rule.Alert, p0.name, tr.Pending.After),
			trainingFault{pending: true}).breaks(tl, pending, exp, except(all, pending)...)
	}
	if waiting != nil {
		exp := fire(&ex, waiting, labelSet{stack.LabelNamespace: w.Namespace, controllers.OwnerNameLabel: nextRun(p0)}, 1)
		add(fmt.Sprintf("%s: Kueue does not admit %s %s for %s", waiting.rule.Alert, x.c.Title, nextRun(p0), tr.Kueue.AdmissionWait.After),
			trainingFault{notAdmitted: true}).breaks(tl, waiting, exp, except(all, waiting)...)
	}
	if stalled != nil {
		target, err := x.targets.of(p0)
		if err != nil {
			// The alerts queued before failed first.
			if ferr := ex.run(); ferr != nil {
				return nil, ferr
			}
			return nil, err
		}
		exp := fire(&ex, stalled, target.l, 0)
		add(fmt.Sprintf("%s: %s of pod %s stops changing for %s", stalled.rule.Alert, tr.LossMetric, p0.name, tr.Stalled.After),
			trainingFault{stalled: true}).breaks(tl, stalled, exp, except(all, stalled)...)
	}
	if err := ex.run(); err != nil {
		return nil, err
	}
	return groups(tl, out)
}

// perStepAbove is the increase per step of a counter whose sampled
// increase over window alone exceeds max.
func perStepAbove(tl timeline, window string, max int) float64 {
	d, _ := dur(window)
	perWindow := int(d/tl.step) - 1 // sample-to-sample increases inside a window
	return math.Max(1, math.Ceil(float64(max+1)/float64(perWindow)))
}

// counterCrossing finds when the increase of a counter (counter(true, n):
// its values, growing from onset) over window goes over max.
func (x *training) counterCrossing(a *alertRule, window string, max int, counter func(bool, int) *values) error {
	d, _ := dur(window)
	limit := x.tl.onset + d
	samples := counter(true, x.tl.samples(limit)).samples()
	return a.crossing(x.tl, limit, func(t time.Duration) (float64, float64) {
		return x.tl.increase(samples, t, d), float64(max)
	})
}

func jobName(p pod) string { return p.w.Name + "-run-1" }

// nextRun is the run created at onset that Kueue does not admit.
func nextRun(p pod) string { return p.w.Name + "-run-2" }

// restartCounter is a container's restart count: one old restart, then,
// if crashing, x.restarts more every step from onset.
func (x *training) restartCounter(crashing bool, n int) *values {
	v := start(1).until(x.tl.onsetIndex(), 0)
	if crashing {
		return v.until(n, x.restarts)
	}
	return v.until(n, 0)
}

// retryCounter is a run's retry count: none, then, if retried, x.retries
// more every step from onset.
func (x *training) retryCounter(retrying bool, n int) *values {
	v := start(0).until(x.tl.onsetIndex(), 0)
	if retrying {
		return v.until(n, x.retries)
	}
	return v.until(n, 0)
}

// series are the input series of a scenario, n samples each: the
// kube-state-metrics series (restarts, pod labels and phase, the run's
// object: its labels, failed state, retry count, Kueue Workload) and the
// loss gauge, for the workload's two pods and for decoys carrying the same
// fault that must not alert: the same workload in another namespace, and a
// neighbour workload in the same namespace with other selector labels. Pods
// 0, 2 and 3 belong to a run (pod 1's run's series are pod 0's).
//
// The values depend on whether the pod is faulty only: they are made once
// per scenario and shared by the series (the runner only reads them).
func (x *training) series(f trainingFault, n int) ([]promunit.Series, error) {
	var out []promunit.Series
	var restarts, losses [2]valuesText // by faulty
	var runs [2]runValues
	for faulty := range 2 {
		restarts[faulty] = x.restartCounter(f.crash && faulty == 1, n).text()
		if x.tr.LossMetric != "" {
			// Loss goes down by 1/8 a step (exact in binary, so every
			// sample differs from the last); stalled, it holds from onset.
			loss := start(1 + float64(n)/8)
			if f.stalled && faulty == 1 {
				loss.until(x.tl.onsetIndex()+1, -0.125).until(n, 0)
			} else {
				loss.until(n, -0.125)
			}
			losses[faulty] = loss.text()
		}
		runs[faulty] = x.runValues(f, faulty == 1, n)
	}
	pendingFrom := -1
	if f.pending {
		pendingFrom = x.tl.onsetIndex()
	}
	phaseValues := podPhases(pendingFrom, n)
	// The object label series, and those of objects appearing at onset.
	ones := start(1).until(n, 0).text()
	late := lateValues{ones: gap(x.tl.onsetIndex()).then(1, n).text(), zeros: gap(x.tl.onsetIndex()).then(0, n).text()}
	for i, p := range x.pods {
		// Pod 1 stays healthy; pod 0 and the decoys carry the fault.
		faulty := b2i(i != 1)
		o := x.objectsOf(i, p)
		out = append(out,
			o.pod.input("kube_pod_container_status_restarts_total", restarts[faulty], stack.LabelContainer, p.w.Name),
			o.podLabels.input("kube_pod_labels", ones),
		)
		// The phase series, in the healthy and pending scenarios only:
		// they are a fifth of the series otherwise, and the pending alert
		// reads nothing else (another scenario's fault cannot reach it).
		if x.tr.Pending.Enabled && (f == trainingFault{} || f.pending) {
			for j, ph := range podPhaseNames {
				out = append(out, o.pod.input("kube_pod_status_phase", phaseValues[faulty][j], "phase", ph))
			}
		}
		if i != 1 {
			out = x.runSeries(out, o, runs[faulty], ones, late, f.notAdmitted && faulty == 1)
		}
		if x.tr.LossMetric != "" {
			target, err := x.targets.of(p)
			if err != nil {
				return nil, err
			}
			out = append(out, target.input(x.tr.LossMetric, losses[faulty]))
		}
	}
	return out, nil
}

// podPhaseNames are kube_pod_status_phase's phases, one series each, 1 on
// the current one (kube-state-metrics v2.20.0 internal/store/pod.go).
var podPhaseNames = []string{"Pending", "Succeeded", "Failed", "Unknown", "Running"}

// podPhases are the phase series' values of a pod Running throughout
// ([0]) or Pending from sample pendingFrom on ([1]; -1: never). A pod is
// Pending before it runs, not after: the faulty pod is one the controller
// recreated at onset whose replacement stays unscheduled; the series of
// its name go on.
func podPhases(pendingFrom, n int) [2][]valuesText {
	var out [2][]valuesText
	for faulty := range 2 {
		for _, ph := range podPhaseNames {
			v := 0.0
			if ph == "Running" {
				v = 1
			}
			b := start(v)
			if faulty == 1 && pendingFrom >= 0 {
				b.then(v, pendingFrom)
				switch ph {
				case "Running":
					b.then(0, n)
				case "Pending":
					b.then(1, n)
				}
			}
			out[faulty] = append(out[faulty], b.then(b.lastV, n).text())
		}
	}
	return out
}

// runValues are the values of a run object's state series in a scenario:
// its running and failed state series (conditions or phase), its retry count.
type runValues struct {
	states  []stateSeries
	retries valuesText
}

// stateSeries is one series of the object's state: its label value, values.
type stateSeries struct {
	value string
	v     valuesText
}

// runValues: a healthy run shows its Running state throughout (none for
// some controllers); a failing one its Failed state from onset. Conditions
// appear when the controller sets them (kube-state-metrics exports the
// conditions the object has); a phase StateSet has a series per state.
func (x *training) runValues(f trainingFault, faulty bool, n int) runValues {
	c := x.c
	fails := f.jobFailed && faulty
	onset := x.tl.onsetIndex()
	var rv runValues
	if x.tr.JobFailed.Enabled {
		switch c.Failed.From {
		case controllers.FromMetric:
			// kube_job_failed: the Failed condition's three series appear
			// when the condition does (see jobConditions).
			if fails {
				for _, jc := range jobConditions {
					rv.states = append(rv.states, stateSeries{jc.cond, gap(onset).then(jc.v, n).text()})
				}
			}
		case controllers.FromConditions:
			if r := c.Running; r != nil && r.From == controllers.FromConditions {
				v := start(1)
				if fails {
					v.then(1, onset).then(0, n)
				}
				rv.states = append(rv.states, stateSeries{r.Values[0], v.then(v.lastV, n).text()})
			}
			if fails {
				rv.states = append(rv.states, stateSeries{c.Failed.Values[0], gap(onset).then(1, n).text()})
			}
		case controllers.FromPhase:
			now := c.Object.CRS.Phase.States[0]
			if c.Running != nil {
				now = c.Running.Values[0]
			}
			for _, st := range c.Object.CRS.Phase.States {
				v := start(b2f(st == now))
				if fails {
					v.then(v.lastV, onset).then(b2f(st == c.Failed.Values[0]), n)
				}
				rv.states = append(rv.states, stateSeries{st, v.then(v.lastV, n).text()})
			}
		}
	}
	if retried(x.w) {
		rv.retries = x.retryCounter(f.retried && faulty, n).text()
	}
	return rv
}

func b2f(b bool) float64 { return float64(b2i(b)) }

// lateValues are the values of the series of objects created at onset.
type lateValues struct{ ones, zeros valuesText }

// runSeries appends the series of the run of pod objects o: its labels
// series, state series, retry count and, with Kueue, its Workload; with
// notAdmitted a second run and its Workload that Kueue does not admit
// appear at onset.
func (x *training) runSeries(out []promunit.Series, o *objects, rv runValues, ones valuesText, late lateValues, notAdmitted bool) []promunit.Series {
	c := x.c
	metric, label := c.Selector(c.Failed)
	out = append(out, o.jobLabels.input(c.Object.LabelsMetric, ones))
	for _, st := range rv.states {
		out = append(out, o.job.input(metric, st.v, label, st.value))
	}
	if n := c.Retries; n != nil && retried(x.w) {
		out = append(out, o.job.input(c.CountMetric(n), rv.retries))
	}
	if x.tr.Kueue.Enabled && c.Kueue {
		// Admitted: QuotaReserved and Admitted True. Not admitted:
		// QuotaReserved False (reason Pending), no Admitted condition.
		kc := controllers.Kueue.Object.CRS
		out = append(out,
			o.workload.input(kc.InfoMetric(), ones, controllers.QueueLabel, kueueQueue),
			o.workload.input(kc.ConditionMetric(), ones, controllers.ConditionLabel, "QuotaReserved"),
			o.workload.input(kc.ConditionMetric(), ones, controllers.ConditionLabel, "Admitted"))
		if notAdmitted {
			out = append(out,
				o.nextLabels.input(c.Object.LabelsMetric, late.ones),
				o.nextWorkload.input(kc.InfoMetric(), late.ones, controllers.QueueLabel, kueueQueue),
				o.nextWorkload.input(kc.ConditionMetric(), late.zeros, controllers.ConditionLabel, "QuotaReserved"))
		}
	}
	return out
}

// objects are the label sets of a pod's kube-state-metrics series: the
// pod's, its object labels', its run's (Job or custom resource) and its
// run's labels series', its run's Kueue Workload's, and those of the next
// run and its Workload.
type objects struct {
	pod, podLabels, job, jobLabels     *base
	workload, nextLabels, nextWorkload *base
}

// objectsOf are the objects of pods[i] (the pods of every scenario are the
// same), made once.
func (x *training) objectsOf(i int, p pod) *objects {
	if o := x.objects[i]; o != nil {
		return o
	}
	sb, parsed := x.targets.sb, x.targets.parsed
	obj := ksm.with(stack.LabelNamespace, p.w.Namespace, stack.LabelPod, p.name)
	run := x.runLabels(p, jobName(p))
	next := x.runLabels(p, nextRun(p))
	o := &objects{pod: newBase(obj, sb, parsed), podLabels: newBase(p.objectLabels(obj), sb, parsed),
		job: newBase(run, sb, parsed), jobLabels: newBase(p.objectLabels(run), sb, parsed), nextLabels: newBase(p.objectLabels(next), sb, parsed),
		workload: newBase(x.workloadLabels(p, jobName(p)), sb, parsed), nextWorkload: newBase(x.workloadLabels(p, nextRun(p)), sb, parsed)}
	x.objects[i] = o
	return o
}

// runLabels are the labels of the series of run name of pod p's workload:
// kube-state-metrics' own Job series, or the custom-resource-state ones.
func (x *training) runLabels(p pod, name string) labelSet {
	o := x.c.Object
	if o.Native {
		return ksm.with(stack.LabelNamespace, p.w.Namespace, o.NameLabel, name)
	}
	l := ksm.with()
	for k, v := range o.CommonLabels(p.w.Namespace, name) {
		l[k] = v
	}
	return l
}

// kueueQueue is the local queue the runs are submitted to (on the
// Workload's _info series).
const kueueQueue = "training"

// workloadLabels are the labels of the series of Kueue's Workload for run
// name, owned by the run's object.
func (x *training) workloadLabels(p pod, run string) labelSet {
	l := ksm.with(controllers.OwnerKindLabel, x.c.Object.Kind, controllers.OwnerNameLabel, run)
	// Kueue names it <kind>-<owner>-<hash> (jobframework
	// workload_names.go, GetWorkloadNameForOwnerWithGVK).
	for k, v := range controllers.Kueue.Object.CommonLabels(p.w.Namespace, strings.ToLower(x.c.Object.Kind)+"-"+run+"-1a2b3") {
		l[k] = v
	}
	return l
}

// jobConditions are the series of kube_job_failed once a Job fails
// (kube-state-metrics exports the Failed condition only once it exists),
// with their values.
var jobConditions = []struct {
	cond string
	v    float64
}{{"true", 1}, {"false", 0}, {"unknown", 0}}
