package ruletests

import (
	"fmt"
	"slices"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/ruletest"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

func inferenceTimeline(w *model.Workload) (timeline, error) {
	return newTimeline(w.Inference.Latency.Window, w.Inference.ErrorRate.Window)
}

// Inference failures a scenario injects at onset.
type inferenceFault struct {
	down    string // "gone" (pods deleted), "failing" (scrapes fail), "one-gone" (one of two replicas)
	slow    bool   // the first model answers slower than the threshold
	errors  bool   // the first model fails requests
	noTraff bool   // requests stop
}

// requests per step and pod, per model (even, so half of it is exact).
const perStep = 20

// inference holds what the series of an inference workload depend on.
type inference struct {
	w                  *model.Workload
	in                 *model.Inference
	tl                 timeline
	lo, hi             float64 // histogram buckets: healthy latencies are ≤ lo < threshold < hi
	ratio              float64 // error ratio when failing, above errorRate.max
	okStatus, unlisted string
	targets            podTargets
	// bucketMetric and bounds (le) name the latency histogram's series.
	bucketMetric string
	bounds       [3]string
	// pods are the pods of every scenario (series()), made once, and
	// bases their targets, made on first use (so that a relabeling error
	// comes where it did when each scenario made them).
	pods  [4]pod
	bases [4]*base
}

func inferenceTests(w *model.Workload, tl timeline, byName map[string]monitoringv1.Rule, parsed *relabelRules) ([]ruletest.TestGroup, error) {
	in := w.Inference
	x := &inference{w: w, in: in, tl: tl, okStatus: "ok", unlisted: "unlisted", targets: newPodTargets(parsed),
		pods: [4]pod{podOf(w, 0), podOf(w, 1), elsewhere(w), neighbour(w)}}
	if in.ErrorStatus == x.okStatus {
		x.okStatus = "success"
	}
	for slices.Contains(in.Models, x.unlisted) {
		x.unlisted += "-x"
	}
	t := model.Seconds(in.Latency.Threshold)
	// A slow request lands above the highest finite bucket, so P<q> is that
	// bucket's bound (histogram_quantile's rule): exactly 2×threshold.
	x.lo, x.hi = t/2, 2*t
	x.bucketMetric, x.bounds = in.LatencyMetric+"_bucket", [3]string{num(x.lo), num(x.hi), "+Inf"}
	x.ratio = 0.5
	if in.ErrorRate.Max >= 0.5 {
		x.ratio = 1
	}
	// A vanished or failing target makes the expression true at onset.
	down, err := lookup(tl, byName, rules.InferenceServiceDown, in.Down.For)
	if err != nil {
		return nil, err
	}
	slow, err := lookup(tl, byName, rules.HighInferenceLatency, in.Latency.For)
	if err == nil && slow != nil {
		err = x.latencyCrossing(slow)
	}
	if err != nil {
		return nil, err
	}
	errs, err := lookup(tl, byName, rules.InferenceErrorRateHigh, in.ErrorRate.For)
	if err == nil && errs != nil {
		err = x.errorCrossing(errs)
	}
	if err != nil {
		return nil, err
	}
	all := []*alertRule{down, slow, errs}
	end := latest(tl, all...)
	m0 := in.Models[0]
	workload := labelSet{stack.LabelNamespace: w.Namespace, stack.LabelWorkload: w.Name}

	var out []*scenario
	var ex expander // the expected alerts' templates, expanded before the series are made
	add := func(name string, f inferenceFault) *scenario {
		s := &scenario{name: name, build: func(n int) ([]ruletest.Series, error) { return x.series(f, n) }}
		out = append(out, s)
		return s
	}
	add("healthy: every pod up, fast successful requests: no alert", inferenceFault{}).quiet(end, all...)
	add("no traffic: requests stop, pods stay up: no alert", inferenceFault{noTraff: true}).quiet(end, all...)
	add("one replica gone, the other still up and healthy: no alert", inferenceFault{down: "one-gone"}).quiet(end, all...)
	if down != nil {
		for _, c := range []struct {
			name, down string
			value      float64 // absent() is 1, sum(up) == 0 is 0
		}{
			{"every pod gone (no up series left)", "gone", 1},
			{"every pod fails its scrape (up == 0)", "failing", 0},
		} {
			exp := fire(&ex, down, workload, c.value)
			add(fmt.Sprintf("%s: %s, after %s", down.rule.Alert, c.name, in.Down.For), inferenceFault{down: c.down}).breaks(tl, down, exp, slow, errs)
		}
	}
	if slow != nil {
		exp := fire(&ex, slow, workload.with(in.ModelLabel, m0), x.hi)
		add(fmt.Sprintf("%s: model %s answers in over %s, for %s", slow.rule.Alert, m0, in.Latency.Threshold, in.Latency.For),
			inferenceFault{slow: true}).breaks(tl, slow, exp, down, errs)
	}
	if errs != nil {
		exp := fire(&ex, errs, workload.with(in.ModelLabel, m0), x.ratio)
		add(fmt.Sprintf("%s: %s of model %s requests fail, for %s", errs.rule.Alert, num(x.ratio*100)+"%", m0, in.ErrorRate.For),
			inferenceFault{errors: true}).breaks(tl, errs, exp, down, slow)
	}
	if err := ex.run(); err != nil {
		return nil, err
	}
	return groups(tl, out)
}

// series are the input series of a scenario, n samples each: `up` and the
// app's request counter and latency histogram, for the workload's two pods
// and for decoys that carry the same fault but must not alert: the same
// workload in another namespace, a neighbour workload, a model that is not
// in the spec.
//
// The values of an app's series depend only on whether it is faulty and
// gone (appValues): they are made once per scenario for each of the four
// cases and shared by the series (the runner only reads them).
func (x *inference) series(f inferenceFault, n int) ([]ruletest.Series, error) {
	// up, then the five series of each model: the listed ones and the
	// unlisted one on pod 0, the listed ones on pod 1, the first on each decoy.
	out := make([]ruletest.Series, 0, len(x.pods)+5*(2*len(x.in.Models)+3))
	var apps [2][2]*[5]valuesText // by faulty, gone
	for i := range x.pods {
		target, err := x.target(i)
		if err != nil {
			return nil, err
		}
		decoy := i >= 2
		// How the pod's target ends: still there, deleted, or failing.
		gone := !decoy && (f.down == "gone" || f.down == "failing" || f.down == "one-gone" && i == 1)
		up := start(1).until(x.tl.onsetIndex(), 0)
		switch {
		case gone && f.down == "failing":
			up.then(0, n)
		case gone:
			up.stale()
		default:
			up.until(n, 0)
		}
		out = append(out, target.input("up", up.text()))

		model := func(m string) {
			// The first model, the unlisted one and the decoys' carry the fault.
			faulty := m == x.in.Models[0] || m == x.unlisted || decoy
			v := &apps[b2i(faulty)][b2i(gone)]
			if *v == nil {
				*v = x.appTexts(f, faulty, gone, n)
			}
			out = x.app(out, target, m, *v)
		}
		models := x.in.Models
		if decoy {
			models = models[:1]
		}
		for _, m := range models {
			model(m)
		}
		if i == 0 {
			model(x.unlisted)
		}
	}
	return out, nil
}

// target is the target of x.pods[i].
func (x *inference) target(i int) (*base, error) {
	if x.bases[i] == nil {
		b, err := x.targets.of(x.pods[i])
		if err != nil {
			return nil, err
		}
		x.bases[i] = b
	}
	return x.bases[i], nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// app appends the request counter (ok and error) and the latency histogram
// of model m on one pod (its target t), with values v (appTexts).
func (x *inference) app(out []ruletest.Series, t *base, m string, v *[5]valuesText) []ruletest.Series {
	ml := x.in.ModelLabel
	out = append(out,
		t.input(x.in.RequestsMetric, v[0], ml, m, x.in.StatusLabel, x.okStatus),
		t.input(x.in.RequestsMetric, v[1], ml, m, x.in.StatusLabel, x.in.ErrorStatus),
	)
	for i, b := range x.bounds {
		out = append(out, t.input(x.bucketMetric, v[2+i], ml, m, "le", b))
	}
	return out
}

// appTexts are appValues' values in notation: requests ok and failed, the
// buckets ≤lo, ≤hi and +Inf. A target that is gone or failing leaves stale
// series.
func (x *inference) appTexts(f inferenceFault, faulty, gone bool, n int) *[5]valuesText {
	ok, bad, buckets := x.appValues(f, faulty, gone, n)
	return &[5]valuesText{ok.text(), bad.text(), buckets[0].text(), buckets[1].text(), buckets[2].text()}
}

// appValues are the values of app(): requests ok and failed, and the
// buckets ≤lo, ≤hi and +Inf (cumulative, as Prometheus histograms are).
func (x *inference) appValues(f inferenceFault, faulty, gone bool, n int) (ok, bad *values, buckets []*values) {
	healthy := x.tl.onsetIndex()
	ok, bad = start(0).until(healthy, perStep), start(0).until(healthy, 0)
	buckets = []*values{start(0).until(healthy, perStep), start(0).until(healthy, perStep), start(0).until(healthy, perStep)}
	// Increments per step after onset: ok, errors, buckets ≤lo, ≤hi, +Inf.
	inc := []float64{perStep, 0, perStep, perStep, perStep}
	switch {
	case f.noTraff:
		inc = []float64{0, 0, 0, 0, 0}
	case f.slow && faulty:
		inc = []float64{perStep, 0, 0, 0, perStep}
	case f.errors && faulty:
		inc = []float64{perStep * (1 - x.ratio), perStep * x.ratio, perStep, perStep, perStep}
	}
	all := []*values{ok, bad, buckets[0], buckets[1], buckets[2]}
	for i, v := range all {
		if gone {
			v.stale()
		} else {
			v.until(n, inc[i])
		}
	}
	return ok, bad, buckets
}

// latencyCrossing finds when P<q> of the first model goes over the
// threshold. Slow requests land in +Inf and fast ones in ≤lo, so the
// quantile is either ≤lo or the +Inf rule's answer hi: it is over the
// threshold exactly when rank q×count exceeds the ≤hi count (the rule of
// promql.BucketQuantile), counts being the windows' increases summed over
// the two pods.
func (x *inference) latencyCrossing(a *alertRule) error {
	window, _ := dur(x.in.Latency.Window)
	limit := x.tl.onset + window
	_, _, b := x.appValues(inferenceFault{slow: true}, true, false, x.tl.samples(limit))
	hi, inf := b[1].samples(), b[2].samples()
	return a.crossing(x.tl, limit, func(t time.Duration) (float64, float64) {
		inc := func(v []float64) float64 { r := x.tl.increase(v, t, window); return r + r }
		return x.in.Latency.Quantile * inc(inf), inc(hi)
	})
}

// errorCrossing finds when the first model's error ratio goes over the
// maximum; its value is exactly x.ratio only once the window holds no
// healthy traffic, so the firing check waits for that.
func (x *inference) errorCrossing(a *alertRule) error {
	window, _ := dur(x.in.ErrorRate.Window)
	limit := x.tl.onset + window
	okV, badV, _ := x.appValues(inferenceFault{errors: true}, true, false, x.tl.samples(limit))
	ok, bad := okV.samples(), badV.samples()
	a.settled = limit
	return a.crossing(x.tl, limit, func(t time.Duration) (float64, float64) {
		o, e := x.tl.increase(ok, t, window), x.tl.increase(bad, t, window)
		return (e + e) / (o + e + o + e), x.in.ErrorRate.Max
	})
}
