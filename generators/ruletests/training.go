package ruletests

import (
	"fmt"
	"math"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/ruletest"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

func trainingTimeline(w *model.Workload) (timeline, error) {
	windows := []string{w.Training.Restarts.Window}
	if w.Training.LossMetric != "" {
		windows = append(windows, w.Training.Stalled.After)
	}
	return newTimeline(windows...)
}

// Training failures a scenario injects at onset.
type trainingFault struct {
	crash, jobFailed, stalled bool
}

// training holds what the series of a training workload depend on.
type training struct {
	w  *model.Workload
	tr *model.Training
	tl timeline
	// restarts per step of a crash-looping pod: enough for the window's
	// sampled increase alone to exceed restarts.max.
	restarts float64
	targets  podTargets
	// pods are the pods of every scenario (series()), made once; objects
	// their kube-state-metrics label sets, made on first use.
	pods    [4]pod
	objects [4]*objects
}

func trainingTests(w *model.Workload, tl timeline, byName map[string]monitoringv1.Rule, parsed *relabelRules) ([]ruletest.TestGroup, error) {
	tr := w.Training
	x := &training{w: w, tr: tr, tl: tl, targets: newPodTargets(parsed),
		pods: [4]pod{podOf(w, 0), podOf(w, 1), elsewhere(w), neighbour(w)}}
	window, _ := dur(tr.Restarts.Window)
	perWindow := int(window/tl.step) - 1 // sample-to-sample increases inside a window
	x.restarts = math.Max(1, math.Ceil(float64(tr.Restarts.Max+1)/float64(perWindow)))
	after, _ := dur(tr.Stalled.After)

	crash, err := lookup(tl, byName, rules.TrainingPodCrashLooping, tr.Restarts.For)
	if err == nil && crash != nil {
		limit := tl.onset + window
		restarts := x.restartCounter(true, tl.samples(limit)).samples()
		err = crash.crossing(tl, limit, func(t time.Duration) (float64, float64) {
			return tl.increase(restarts, t, window), float64(tr.Restarts.Max)
		})
	}
	if err != nil {
		return nil, err
	}
	// The failed condition appears at onset.
	failed, err := lookup(tl, byName, rules.TrainingJobFailed, tr.JobFailed.For)
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
	all := []*alertRule{crash, failed, stalled}
	p0 := podOf(w, 0)
	var out []*scenario
	var ex expander // the expected alerts' templates, expanded before the series are made
	add := func(name string, f trainingFault) *scenario {
		s := &scenario{name: name, build: func(n int) ([]ruletest.Series, error) { return x.series(f, n) }}
		out = append(out, s)
		return s
	}
	add("healthy: no restart, no failed job, loss going down: no alert", trainingFault{}).quiet(latest(tl, all...), all...)
	if crash != nil {
		s := add(fmt.Sprintf("%s: pod %s restarts %s time(s) every %s, more than %d in %s", crash.rule.Alert, p0.name, num(x.restarts),
			modelDur(tl.step), tr.Restarts.Max, tr.Restarts.Window),
			trainingFault{crash: true})
		// The value is the increase PromQL computes over the restart counter.
		restarts := x.restartCounter(true, tl.samples(crash.fires(tl)))
		exp := fire(&ex, crash, labelSet{stack.LabelNamespace: w.Namespace, stack.LabelPod: p0.name}, tl.increase(restarts.samples(), crash.fires(tl), window))
		s.breaks(tl, crash, exp, failed, stalled)
	}
	if failed != nil {
		exp := fire(&ex, failed, labelSet{stack.LabelNamespace: w.Namespace, "job_name": jobName(p0)}, 1)
		add(fmt.Sprintf("%s: job %s fails", failed.rule.Alert, jobName(p0)), trainingFault{jobFailed: true}).breaks(tl, failed, exp, crash, stalled)
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
			trainingFault{stalled: true}).breaks(tl, stalled, exp, crash, failed)
	}
	if err := ex.run(); err != nil {
		return nil, err
	}
	return groups(tl, out)
}

func jobName(p pod) string { return p.w.Name + "-run-1" }

// restartCounter is a container's restart count: one old restart, then,
// if crashing, x.restarts more every step from onset.
func (x *training) restartCounter(crashing bool, n int) *values {
	v := start(1).until(x.tl.onsetIndex(), 0)
	if crashing {
		return v.until(n, x.restarts)
	}
	return v.until(n, 0)
}

// series are the input series of a scenario, n samples each: the
// kube-state-metrics series (restarts, pod labels, jobs) and the loss gauge,
// for the workload's two pods and for decoys carrying the same fault that
// must not alert: the same workload in another namespace, and a neighbour
// workload in the same namespace with other selector labels.
//
// The values depend on whether the pod is faulty only: they are made once
// per scenario and shared by the series (the runner only reads them).
func (x *training) series(f trainingFault, n int) ([]ruletest.Series, error) {
	var out []ruletest.Series
	var restarts, losses [2]valuesText // by faulty
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
	}
	ones := start(1).until(n, 0).text() // the object label series
	var failed []valuesText
	if f.jobFailed {
		failed = x.jobFailed(n)
	}
	for i, p := range x.pods {
		// Pod 1 stays healthy; pod 0 and the decoys carry the fault.
		faulty := b2i(i != 1)
		o := x.objectsOf(i, p)
		out = append(out,
			o.pod.input("kube_pod_container_status_restarts_total", restarts[faulty], stack.LabelContainer, p.w.Name),
			o.podLabels.input("kube_pod_labels", ones),
		)
		if i != 1 && x.tr.JobFailed.Enabled {
			out = append(out, o.jobLabels.input("kube_job_labels", ones))
			for j, v := range failed {
				out = append(out, o.job.input("kube_job_failed", v, "condition", jobConditions[j].cond))
			}
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

// objects are the label sets of a pod's kube-state-metrics series: the
// pod's, its object labels', its Job's and its Job's object labels'.
type objects struct{ pod, podLabels, job, jobLabels *base }

// objectsOf are the objects of pods[i] (the pods of every scenario are the
// same), made once.
func (x *training) objectsOf(i int, p pod) *objects {
	if o := x.objects[i]; o != nil {
		return o
	}
	obj := ksm.with(stack.LabelNamespace, p.w.Namespace, stack.LabelPod, p.name)
	job := ksm.with(stack.LabelNamespace, p.w.Namespace, "job_name", jobName(p))
	sb := x.targets.sb
	o := &objects{pod: newBase(obj, sb), podLabels: newBase(p.objectLabels(obj), sb), job: newBase(job, sb), jobLabels: newBase(p.objectLabels(job), sb)}
	x.objects[i] = o
	return o
}

// jobConditions are the series of kube_job_failed once a Job fails
// (kube-state-metrics exports the Failed condition only once it exists),
// with their values.
var jobConditions = []struct {
	cond string
	v    float64
}{{"true", 1}, {"false", 0}, {"unknown", 0}}

// jobFailed are the values of the jobConditions of a Job that fails at
// onset.
func (x *training) jobFailed(n int) []valuesText {
	out := make([]valuesText, len(jobConditions))
	for i, c := range jobConditions {
		out[i] = gap(x.tl.onsetIndex()).then(c.v, n).text()
	}
	return out
}
