package ruletests

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
	"github.com/dataopsgen/dataopsgen/internal/stack"
	"github.com/dataopsgen/dataopsgen/presets"
)

// The windows of the workload's enabled windowed alerts (a workload whose
// alerts have none, only `for`, gets a 5m grid).
func inferenceTimeline(w *model.Workload) (timeline, error) {
	in, p := w.Inference, w.Inference.Preset
	var windows []string
	if in.Latency.Enabled && p.Latency != nil {
		windows = append(windows, in.Latency.Window)
	}
	if in.ErrorRate.Enabled && p.Errors != nil {
		windows = append(windows, in.ErrorRate.Window)
	}
	if in.TTFT.Enabled && p.TTFT != nil {
		windows = append(windows, in.TTFT.Window)
	}
	if in.TPOT.Enabled && p.TPOT != nil {
		windows = append(windows, in.TPOT.Window)
	}
	if len(windows) == 0 {
		windows = []string{"5m"}
	}
	return newTimeline(windows...)
}

// Inference failures a scenario injects at onset.
type inferenceFault struct {
	down    string // "gone" (pods deleted), "failing" (scrapes fail), "one-gone" (one of two replicas)
	slow    string // a latency histogram's family: its faulty requests take longer than the threshold
	errors  bool   // the faulty requests fail
	noTraff bool   // requests stop
	gauge   string // a gauge's family: above its maximum on the faulty pods
}

// requests per step and pod, per model (even, so half of it is exact).
const perStep = 20

// inference holds what the series of an inference workload depend on:
// the series its server exports that its alerts read (app), shaped as the
// preset says — names, labels with the server's values, buckets, units —
// and the requests, latencies and gauge values the scenarios put in them.
type inference struct {
	w  *model.Workload
	in *model.Inference
	p  *presets.Server
	tl timeline
	// ratio is the error ratio when failing, above errorRate.max.
	ratio    float64
	unlisted string // a model the spec does not list ("" without a model label)
	targets  podTargets
	// app are the series of one pod: model-less ones, then per model.
	app []appSeries
	// latencies of the histograms the alerts read, by family.
	latencies map[string]*latency
	// gauges: healthy and faulty values, by family.
	gauges map[string][2]float64
	pods   [4]pod
	bases  [4]*base
}

// latency is how one histogram's observations fall: healthy requests at
// lo, slow ones at hi (in the family's unit); bounds are the le values of
// its buckets written in the tests, +Inf left out; above is the bound that
// counts every healthy request and no slow one; value is the quantile a
// window of slow requests gives, in seconds.
type latency struct {
	lo, hi, above float64
	bounds        []float64
	value         float64
	// interpolated: value is histogram_quantile's interpolation, exact
	// only once the window holds slow requests alone.
	interpolated bool
}

// appSeries is one series of the app on a pod (and model).
type appSeries struct {
	metric  string
	extra   []string // label pairs besides the target's and the model label
	byModel bool
	lazy    bool
	// Counters: how many per successful and per failed request, and the
	// latency histogram whose per-request latency a sum counter adds.
	ok, failed float64
	sumOf      string
	// Histogram buckets: the family and the bound (+Inf: math.Inf).
	bucketOf string
	le       float64
	// Gauges: the family.
	gauge string
}

func inferenceTests(w *model.Workload, tl timeline, byName map[string]monitoringv1.Rule, parsed *sharedParses) ([]promunit.TestGroup, error) {
	in := w.Inference
	x := &inference{w: w, in: in, p: in.Preset, tl: tl, targets: newPodTargets(parsed),
		pods:      [4]pod{podOf(w, 0), podOf(w, 1), elsewhere(w), neighbour(w)},
		latencies: map[string]*latency{}, gauges: map[string][2]float64{}}
	if x.p.ModelLabel != "" {
		x.unlisted = "unlisted"
		for slices.Contains(in.Models, x.unlisted) {
			x.unlisted += "-x"
		}
	}
	x.ratio = 0.5
	if in.ErrorRate.Max >= 0.5 {
		x.ratio = 1
	}
	alerts, err := x.plan(byName)
	if err != nil {
		return nil, err
	}
	x.order()
	all := make([]*alertRule, 0, len(alerts))
	for _, a := range alerts {
		all = append(all, a.rule)
	}
	end := latest(tl, all...)
	workload := labelSet{stack.LabelNamespace: w.Namespace, stack.LabelWorkload: w.Name}

	var out []*scenario
	var ex expander // the expected alerts' templates, expanded before the series are made
	add := func(name string, f inferenceFault) *scenario {
		s := &scenario{name: name, build: func(n int) ([]promunit.Series, error) { return x.series(f, n) }}
		out = append(out, s)
		return s
	}
	add("healthy: every pod up, fast successful requests: no alert", inferenceFault{}).quiet(end, all...)
	add("no traffic: requests stop, pods stay up: no alert", inferenceFault{noTraff: true}).quiet(end, all...)
	add("one replica gone, the other still up and healthy: no alert", inferenceFault{down: "one-gone"}).quiet(end, all...)
	others := func(a *alertRule) []*alertRule {
		return slices.DeleteFunc(slices.Clone(all), func(o *alertRule) bool { return o == a })
	}
	for _, a := range alerts {
		if a.rule.rule.Alert == rules.InferenceServiceDown {
			for _, c := range []struct {
				name, down string
				value      float64 // absent() is 1, sum(up) == 0 is 0
			}{
				{"every pod gone (no up series left)", "gone", 1},
				{"every pod fails its scrape (up == 0)", "failing", 0},
			} {
				exp := fire(&ex, a.rule, workload, c.value)
				add(fmt.Sprintf("%s: %s, after %s", a.rule.rule.Alert, c.name, in.Down.For), inferenceFault{down: c.down}).breaks(tl, a.rule, exp, others(a.rule)...)
			}
			continue
		}
		var exp []promunit.Alert
		for _, l := range a.labels(x, workload) {
			exp = append(exp, ex.firing(a.rule.rule, l, a.value))
		}
		add(a.scenario, a.fault).breaks(tl, a.rule, exp, others(a.rule)...)
	}
	if err := ex.run(); err != nil {
		return nil, err
	}
	return groups(tl, out)
}

// plannedAlert is one generated alert with the fault that breaks it, its
// expected value and whether its result carries the model label or the pod.
type plannedAlert struct {
	rule     *alertRule
	fault    inferenceFault
	scenario string
	value    float64
	byModel  bool
	byPod    bool
}

// labels are the expected alerts' expression labels: one per faulty pod
// for per-pod alerts, the first model's where split by model.
func (a plannedAlert) labels(x *inference, workload labelSet) []labelSet {
	l := workload
	if a.byModel {
		l = l.with(x.p.ModelLabel, x.in.Models[0])
	}
	if !a.byPod {
		return []labelSet{l}
	}
	return []labelSet{l.with(stack.LabelPod, x.pods[0].name), l.with(stack.LabelPod, x.pods[1].name)}
}

// plan finds the workload's alerts, the series they read, and when and
// with what value each fires in its scenario.
func (x *inference) plan(byName map[string]monitoringv1.Rule) ([]plannedAlert, error) {
	in, p, tl := x.in, x.p, x.tl
	var out []plannedAlert
	down, err := lookup(tl, byName, rules.InferenceServiceDown, in.Down.For)
	if err != nil {
		return nil, err
	}
	if down != nil {
		out = append(out, plannedAlert{rule: down})
	}
	m0 := ""
	if len(in.Models) > 0 {
		m0 = in.Models[0]
	}
	histogram := func(name string, h *presets.Histogram, spec model.QuantileAlert, scenario string) error {
		a, err := lookup(tl, byName, name, spec.For)
		if err != nil || a == nil {
			return err
		}
		lat := x.histogram(h.Family, model.Seconds(spec.Threshold), spec.Quantile)
		if err := x.quantileCrossing(a, h.Family, spec.Quantile, spec.Window); err != nil {
			return err
		}
		if lat.interpolated {
			window, _ := dur(spec.Window)
			a.settled = tl.onset + window
		}
		subject := "workload " + x.w.Name
		byModel := p.HasModelLabel(presets.Selector{Family: h.Family})
		if byModel {
			subject = "model " + m0
		}
		out = append(out, plannedAlert{rule: a, fault: inferenceFault{slow: h.Family}, value: lat.value, byModel: byModel,
			scenario: fmt.Sprintf("%s: "+scenario+" over %s, for %s", name, subject, spec.Threshold, spec.For)})
		return nil
	}
	if l := p.Latency; l != nil && in.Latency.Enabled {
		if l.Quantiles() {
			err = histogram(rules.HighInferenceLatency, l.Histogram, model.QuantileAlert{
				Quantile: in.Latency.Quantile, Threshold: in.Latency.Threshold, Window: in.Latency.Window, For: in.Latency.For,
			}, "%s answers in")
		} else {
			err = x.averagePlan(&out, byName, l, m0)
		}
		if err != nil {
			return nil, err
		}
	}
	if e := p.Errors; e != nil && in.ErrorRate.Enabled {
		a, err := lookup(tl, byName, rules.InferenceErrorRateHigh, in.ErrorRate.For)
		if err != nil {
			return nil, err
		}
		if a != nil {
			x.counters(e.Failed)
			x.counters(e.Total)
			if err := x.errorCrossing(a, e); err != nil {
				return nil, err
			}
			byModel := p.HasModelLabel(append(slices.Clone(e.Failed), e.Total...)...)
			subject := "the workload's requests"
			if byModel {
				subject = "model " + m0 + " requests"
			}
			out = append(out, plannedAlert{rule: a, fault: inferenceFault{errors: true}, value: x.ratio, byModel: byModel,
				scenario: fmt.Sprintf("%s: %s of %s fail, for %s", a.rule.Alert, num(x.ratio*100)+"%", subject, in.ErrorRate.For)})
		}
	}
	for _, t := range []struct {
		name, what string
		h          *presets.Histogram
		spec       model.QuantileAlert
	}{
		{rules.HighTimeToFirstToken, "the first token of %s comes in", p.TTFT, in.TTFT},
		{rules.HighTimePerOutputToken, "each output token of %s takes", p.TPOT, in.TPOT},
	} {
		if t.h != nil && t.spec.Enabled {
			if err := histogram(t.name, t.h, t.spec, t.what); err != nil {
				return nil, err
			}
		}
	}
	for _, g := range []struct {
		name string
		g    *presets.Gauge
		spec model.GaugeAlert
		what string
	}{
		{rules.InferenceQueueBacklog, p.Queue, in.Queue, "requests waiting"},
		{rules.KVCacheNearlyFull, p.KVCache, in.KVCache, "KV cache used"},
	} {
		if g.g == nil || !g.spec.Enabled {
			continue
		}
		a, err := lookup(tl, byName, g.name, g.spec.For)
		if err != nil {
			return nil, err
		}
		if a == nil {
			continue
		}
		healthy, faulty := gaugeValues(g.g, g.spec.Max, p.Family(g.g.Family).Unit)
		x.gauges[g.g.Family] = [2]float64{healthy, faulty}
		x.addGauge(g.g)
		byModel := p.HasModelLabel(presets.Selector{Family: g.g.Family})
		out = append(out, plannedAlert{rule: a, fault: inferenceFault{gauge: g.g.Family}, value: faulty, byModel: byModel, byPod: true,
			scenario: fmt.Sprintf("%s: %s on each pod %s, above %s, for %s", a.rule.Alert, g.what, num(faulty), num(g.spec.Max), g.spec.For)})
	}
	return out, nil
}

// gaugeValues are a gauge's healthy value and its value on a faulty pod:
// a ratio stays within 0..1 (half of max, halfway from max to 1), a count
// is 0, then the next whole number above max.
func gaugeValues(g *presets.Gauge, max float64, unit presets.Unit) (healthy, faulty float64) {
	if unit == presets.Ratio {
		return max / 2, (max + 1) / 2
	}
	return 0, float64(int(max)) + 1
}

// histogram adds the bucket series of histogram family and returns how its
// observations fall for a quantile q over a threshold of t seconds.
//
// With the server's buckets: healthy requests at the largest bound not
// above t (b[h]), slow ones in the bucket whose lower bound is the first
// above t (b[h+2], over b[h+1] > t): their quantile is then just over the
// threshold, between b[h+1] and b[h+2], so that a rule whose threshold
// moves up fails its test. Only those bounds and the one below b[h] (the
// lower end of the healthy interpolation) are written: every other
// bucket's count repeats a neighbour's (0 below, every request above), so
// leaving it out changes no quantile. Near the top of the buckets, slow
// requests land in +Inf and the quantile is the largest bound.
//
// Without the server's buckets (custom), the bounds are t/2 and 2t,
// healthy requests at t/2, slow ones in +Inf: the quantile is 2t.
func (x *inference) histogram(family string, t, q float64) *latency {
	if l := x.latencies[family]; l != nil {
		return l
	}
	f := x.p.Family(family)
	unit := f.Unit.PerSecond()
	l := &latency{}
	b := f.Buckets
	switch h := healthyBucket(b, t*unit); {
	case len(b) == 0:
		l.bounds = []float64{t / 2 * unit, 2 * t * unit}
		l.lo, l.hi, l.above = l.bounds[0], 4*t*unit, 2*t*unit
		l.value = 2 * t
	case h+2 < len(b):
		if h > 0 {
			l.bounds = append(l.bounds, b[h-1])
		}
		l.bounds = append(l.bounds, b[h], b[h+1], b[h+2])
		l.lo, l.hi, l.above = b[h], b[h+2], b[h+1]
		// histogram_quantile's interpolation in (b[h+1], b[h+2]], every
		// request of the window in it.
		l.value = (b[h+1] + (b[h+2]-b[h+1])*q) / unit
		l.interpolated = true
	default:
		if h > 0 {
			l.bounds = append(l.bounds, b[h-1])
		}
		l.bounds = append(l.bounds, b[h])
		if last := b[len(b)-1]; last != b[h] {
			l.bounds = append(l.bounds, last)
		}
		last := b[len(b)-1]
		l.lo, l.hi, l.above = b[h], 2*last, last
		l.value = last / unit
	}
	x.latencies[family] = l
	byModel := x.p.HasModelLabel(presets.Selector{Family: family})
	extra := labelPairs(f.Labels, nil)
	for _, b := range l.bounds {
		x.app = append(x.app, appSeries{metric: family + "_bucket", extra: append(slices.Clone(extra), "le", num(b)), byModel: byModel, lazy: f.Lazy, bucketOf: family, le: b})
	}
	x.app = append(x.app, appSeries{metric: family + "_bucket", extra: append(slices.Clone(extra), "le", "+Inf"), byModel: byModel, lazy: f.Lazy, bucketOf: family, le: inf})
	return l
}

// healthyBucket is the index of the largest bound not above t (the first
// when none is: spec/server refuses such a threshold).
func healthyBucket(bounds []float64, t float64) int {
	h := 0
	for i, b := range bounds {
		if b <= t {
			h = i
		}
	}
	return h
}

// averagePlan plans the average-latency alert of counter-shaped latency l:
// healthy requests take half the threshold, slow ones twice it.
func (x *inference) averagePlan(out *[]plannedAlert, byName map[string]monitoringv1.Rule, l *presets.Latency, m0 string) error {
	in, tl := x.in, x.tl
	a, err := lookup(tl, byName, rules.HighInferenceLatency, in.Latency.For)
	if err != nil || a == nil {
		return err
	}
	t := model.Seconds(in.Latency.Threshold)
	f := x.p.Family(l.Sum.Family)
	unit := f.Unit.PerSecond()
	x.latencies[l.Sum.Family] = &latency{lo: t / 2 * unit, hi: 2 * t * unit, value: 2 * t}
	x.counters(presets.Counter{*l.Count})
	x.addCounter(l.Sum.Family, nil, 0, 0, l.Sum.Family)
	window, _ := dur(in.Latency.Window)
	limit := tl.onset + window
	sum := x.seriesSamples(x.find(l.Sum.Family), inferenceFault{slow: l.Sum.Family}, limit)
	count := x.seriesSamples(x.find(l.Count.Metric()), inferenceFault{slow: l.Sum.Family}, limit)
	a.settled = limit
	if err := a.crossing(tl, limit, func(t time.Duration) (float64, float64) {
		return tl.increase(sum, t, window) / tl.increase(count, t, window) / unit, model.Seconds(in.Latency.Threshold)
	}); err != nil {
		return err
	}
	byModel := x.p.HasModelLabel(*l.Sum, *l.Count)
	subject := "the workload's requests"
	if byModel {
		subject = "model " + m0
	}
	*out = append(*out, plannedAlert{rule: a, fault: inferenceFault{slow: l.Sum.Family}, value: 2 * t, byModel: byModel,
		scenario: fmt.Sprintf("%s: %s answers in %s on average, over %s, for %s", a.rule.Alert, subject, num(2*t)+"s", in.Latency.Threshold, in.Latency.For)})
	return nil
}

var inf = math.Inf(1)

// labelPairs are a family's labels with the server's example values,
// overridden by over, as name/value pairs in the family's order.
func labelPairs(ls []presets.Label, over []presets.Label) []string {
	out := make([]string, 0, 2*len(ls))
	for _, l := range ls {
		v := l.Example
		for _, o := range over {
			if o.Name == l.Name {
				v = o.Example
			}
		}
		out = append(out, l.Name, v)
	}
	return out
}

// counters adds the series of the counter families c reads, as requests
// increment them (Requests.OK, then Requests.Failed): one per label set.
func (x *inference) counters(c presets.Counter) {
	for _, sel := range c {
		if x.find(sel.Metric()) != nil {
			continue
		}
		for _, inc := range x.p.Requests.OK {
			if inc.Family == sel.Family {
				x.addCounter(inc.Family, inc.Labels, 1, 0, "")
			}
		}
		for _, inc := range x.p.Requests.Failed {
			if inc.Family == sel.Family {
				x.addCounter(inc.Family, inc.Labels, 0, 1, "")
			}
		}
	}
}

// addCounter adds (or adds to) the series of family with labels over: ok
// and failed per request, or the per-request latency of histogram sumOf.
func (x *inference) addCounter(family string, over []presets.Label, ok, failed float64, sumOf string) {
	f := x.p.Family(family)
	extra := labelPairs(f.Labels, over)
	for i := range x.app {
		s := &x.app[i]
		if s.metric == family && slices.Equal(s.extra, extra) && s.bucketOf == "" && s.gauge == "" {
			s.ok += ok
			s.failed += failed
			return
		}
	}
	x.app = append(x.app, appSeries{metric: family, extra: extra, byModel: x.p.HasModelLabel(presets.Selector{Family: family}),
		lazy: f.Lazy, ok: ok, failed: failed, sumOf: sumOf})
}

func (x *inference) addGauge(g *presets.Gauge) {
	f := x.p.Family(g.Family)
	x.app = append(x.app, appSeries{metric: g.Family, extra: labelPairs(f.Labels, nil),
		byModel: x.p.HasModelLabel(presets.Selector{Family: g.Family}), gauge: g.Family})
}

// find returns the first series called metric.
func (x *inference) find(metric string) *appSeries {
	for i := range x.app {
		if x.app[i].metric == metric {
			return &x.app[i]
		}
	}
	return nil
}

// order puts the series in the order the test files list them: counters,
// then histogram buckets, then gauges, each in the order they were added.
func (x *inference) order() {
	kind := func(s appSeries) int {
		switch {
		case s.bucketOf != "":
			return 1
		case s.gauge != "":
			return 2
		}
		return 0
	}
	slices.SortStableFunc(x.app, func(a, b appSeries) int { return kind(a) - kind(b) })
}

// requests are the successful and failed requests per step of a series'
// pod (and model), before and after onset.
func (x *inference) requests(f inferenceFault, faulty bool) (okBefore, okAfter, failedAfter float64) {
	switch {
	case f.noTraff:
		return perStep, 0, 0
	case f.errors && faulty:
		return perStep, perStep * (1 - x.ratio), perStep * x.ratio
	}
	return perStep, perStep, 0
}

// latencyOf is a request's latency in the histogram (or sum) family after
// onset: slow on a faulty series of the slow scenario.
func (x *inference) latencyOf(family string, f inferenceFault, faulty bool) (before, after float64) {
	l := x.latencies[family]
	if f.slow == family && faulty {
		return l.lo, l.hi
	}
	return l.lo, l.lo
}

// increments are a series' increase per step before and after onset.
func (x *inference) increments(s *appSeries, f inferenceFault, faulty bool) (before, after float64) {
	okB, okA, failA := x.requests(f, faulty)
	switch {
	case s.bucketOf != "":
		lb, la := x.latencyOf(s.bucketOf, f, faulty)
		if lb <= s.le {
			before = okB
		}
		if la <= s.le {
			// Every answered request is observed, failed or not.
			after = okA + failA
		}
		return before, after
	case s.sumOf != "":
		lb, la := x.latencyOf(s.sumOf, f, faulty)
		return okB * lb, okA * la
	}
	return s.ok * okB, s.ok*okA + s.failed*failA
}

// values are a series' values, n samples, or nil when the series never
// exists (a lazy one that counts nothing). A target that is gone or
// failing leaves stale series.
func (x *inference) values(s *appSeries, f inferenceFault, faulty, gone bool, n int) *values {
	onset := x.tl.onsetIndex()
	if s.gauge != "" {
		v := x.gauges[s.gauge]
		b := start(v[0]).until(onset, 0)
		switch {
		case gone:
			b.stale()
		case f.gauge == s.gauge && faulty:
			b.then(v[1], n)
		default:
			b.until(n, 0)
		}
		return b
	}
	before, after := x.increments(s, f, faulty)
	var b *values
	switch {
	case !s.lazy:
		b = start(0).until(onset, before)
	case before > 0:
		// The series appears with its first count, one step in.
		b = gap(1).then(before, 2).until(onset, before)
	case after > 0 && !gone:
		return gap(onset).then(after, onset+1).until(n, after)
	default:
		return nil
	}
	if gone {
		return b.stale()
	}
	return b.until(n, after)
}

// seriesSamples are the samples of series s on a faulty, running pod in
// scenario f, up to limit.
func (x *inference) seriesSamples(s *appSeries, f inferenceFault, limit time.Duration) []float64 {
	v := x.values(s, f, true, false, x.tl.samples(limit))
	if v == nil {
		return nil
	}
	return v.samples()
}

// matches reports whether series s is read by selector sel.
func (s *appSeries) matches(sel presets.Selector) bool {
	if s.metric != sel.Metric() {
		return false
	}
	for _, m := range sel.Matchers {
		v := ""
		for i := 0; i+1 < len(s.extra); i += 2 {
			if s.extra[i] == m.Label {
				v = s.extra[i+1]
			}
		}
		var ok bool
		switch m.Op {
		case "=":
			ok = v == m.Value
		case "!=":
			ok = v != m.Value
		case "=~":
			ok = regexp.MustCompile("^(?:" + m.Value + ")$").MatchString(v)
		case "!~":
			ok = !regexp.MustCompile("^(?:" + m.Value + ")$").MatchString(v)
		}
		if !ok {
			return false
		}
	}
	return true
}

// sumIncrease is the increase over window at t of the series counter c
// reads, summed over the two faulty pods (which have the same values).
func (x *inference) sumIncrease(c presets.Counter, f inferenceFault, limit, t, window time.Duration) float64 {
	var total float64
	for range 2 {
		for i := range x.app {
			s := &x.app[i]
			if !slices.ContainsFunc(c, s.matches) {
				continue
			}
			if v := x.seriesSamples(s, f, limit); v != nil {
				if r := x.tl.increase(v, t, window); !math.IsNaN(r) {
					total += r
				}
			}
		}
	}
	return total
}

// quantileCrossing finds when quantile q of histogram family goes over
// the threshold. Fast requests land at or below the threshold, slow ones
// above l.above, which is above it: the quantile is over the threshold
// exactly when rank q×count exceeds the count at l.above (the rule of
// promql.BucketQuantile), counts being the window's increases summed over
// the two pods.
func (x *inference) quantileCrossing(a *alertRule, family string, q float64, windowText string) error {
	window, _ := dur(windowText)
	limit := x.tl.onset + window
	l := x.latencies[family]
	f := inferenceFault{slow: family}
	var hi, all []float64
	for i := range x.app {
		s := &x.app[i]
		if s.bucketOf == family && s.le == l.above {
			hi = x.seriesSamples(s, f, limit)
		}
		if s.bucketOf == family && math.IsInf(s.le, 1) {
			all = x.seriesSamples(s, f, limit)
		}
	}
	return a.crossing(x.tl, limit, func(t time.Duration) (float64, float64) {
		inc := func(v []float64) float64 { r := x.tl.increase(v, t, window); return r + r }
		return q * inc(all), inc(hi)
	})
}

// errorCrossing finds when the error ratio (the failed series' increase
// over the total's, as the preset defines them) goes over the maximum; its
// value is exactly x.ratio only once the window holds no healthy traffic,
// so the firing check waits for that.
func (x *inference) errorCrossing(a *alertRule, e *presets.ErrorRatio) error {
	window, _ := dur(x.in.ErrorRate.Window)
	limit := x.tl.onset + window
	f := inferenceFault{errors: true}
	a.settled = limit
	return a.crossing(x.tl, limit, func(t time.Duration) (float64, float64) {
		return x.sumIncrease(e.Failed, f, limit, t, window) / x.sumIncrease(e.Total, f, limit, t, window), x.in.ErrorRate.Max
	})
}

// series are the input series of a scenario, n samples each: `up` and the
// app's series, for the workload's two pods and for decoys that carry the
// same fault but must not alert: the same workload in another namespace, a
// neighbour workload, a model that is not in the spec.
//
// The values of an app series depend only on whether it is faulty and gone:
// they are made once per scenario for each case and shared by the series
// (the runner only reads them).
func (x *inference) series(f inferenceFault, n int) ([]promunit.Series, error) {
	models := len(x.in.Models)
	if x.unlisted != "" {
		models++
	}
	out := make([]promunit.Series, 0, len(x.pods)*(1+len(x.app)*models))
	type key struct {
		i            int
		faulty, gone bool
	}
	cache := map[key]*valuesText{}
	valuesOf := func(i int, faulty, gone bool) *valuesText {
		k := key{i, faulty, gone}
		if v, ok := cache[k]; ok {
			return v
		}
		var t *valuesText
		if b := x.values(&x.app[i], f, faulty, gone, n); b != nil {
			vt := b.text()
			t = &vt
		}
		cache[k] = t
		return t
	}
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
		// The pod's own series (no model label) carry the fault.
		for j := range x.app {
			if s := &x.app[j]; !s.byModel {
				if v := valuesOf(j, true, gone); v != nil {
					out = append(out, target.input(s.metric, *v, s.extra...))
				}
			}
		}
		model := func(m string) {
			// The first model, the unlisted one and the decoys' carry the fault.
			faulty := m == x.in.Models[0] || m == x.unlisted || decoy
			for j := range x.app {
				s := &x.app[j]
				if !s.byModel {
					continue
				}
				if v := valuesOf(j, faulty, gone); v != nil {
					out = append(out, target.input(s.metric, *v, append([]string{x.p.ModelLabel, m}, s.extra...)...))
				}
			}
		}
		if x.p.ModelLabel == "" {
			continue
		}
		ms := x.in.Models
		if decoy {
			ms = ms[:1]
		}
		for _, m := range ms {
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
