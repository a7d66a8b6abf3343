package ruletests

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/util/kahansum"

	"github.com/dataopsgen/dataopsgen/internal/slo"
)

// The SLO tests' expected results are computed here from the input series,
// with the float operations Prometheus's engine does, in its order (rate's
// extrapolation of promql/functions.go extrapolatedRate, sum's and
// sum_over_time's Kahan summation of util/kahansum, the SLI's ratio and
// the alert's comparison as the generated expressions write them), so
// that a value the test expects is the value Prometheus computes to the
// bit. Nothing is read from the generated expressions: a rule that drifts
// from the SLI, a window or a factor fails its test.

// sloSeries is one input series of an SLO test: its labels and samples
// (NaN: none at that step).
type sloSeries struct {
	metric string
	labels map[string]string
	lset   labels.Labels
	vals   []float64
	gauge  bool
	// cum and cnt are a gauge's running sum and count of samples
	// (prefix): index i covers vals[:i].
	cum []float64
	cnt []int
}

// sloWorld is the input of one scenario.
type sloWorld struct {
	step   time.Duration
	series []*sloSeries // sorted by labels, as the engine sees them
}

// selected are the series the terms of a sum read, each once (two terms of
// one metric that read a series give it once in the rule's `or`), in the
// engine's order.
func (w *sloWorld) selected(sel slo.Sum) []*sloSeries {
	var out []*sloSeries
	for _, s := range w.series {
		if sel.Matches(s.metric, s.labels) {
			out = append(out, s)
		}
	}
	return out
}

func sortSeries(ss []*sloSeries) {
	slices.SortFunc(ss, func(a, b *sloSeries) int { return labels.Compare(a.lset, b.lset) })
}

// span is the index range [i0, i1] of the grid samples in (t-win, t]
// (the series have one sample per step, or NaN), false if empty.
func (w *sloWorld) span(n int, t, win time.Duration) (i0, i1 int, ok bool) {
	if start := t - win; start >= 0 {
		i0 = int(start/w.step) + 1
	}
	i1 = min(n-1, int(t/w.step))
	return i0, i1, i0 <= i1
}

// rate is rate(series[win]) at t for a counter without resets or gaps,
// or false when the window holds fewer than two samples.
func (w *sloWorld) rate(vals []float64, t, win time.Duration) (float64, bool) {
	i0, i1, ok := w.span(len(vals), t, win)
	if !ok || i1 == i0 {
		return 0, false
	}
	ms := func(i int) int64 { return (time.Duration(i) * w.step).Milliseconds() }
	first, last := vals[i0], vals[i1]
	rangeStart, rangeEnd := (t - win).Milliseconds(), t.Milliseconds()
	result := last - first
	durationToStart := float64(ms(i0)-rangeStart) / 1000
	durationToEnd := float64(rangeEnd-ms(i1)) / 1000
	sampled := float64(ms(i1)-ms(i0)) / 1000
	avg := sampled / float64(i1-i0)
	threshold := avg * 1.1
	if durationToStart >= threshold {
		durationToStart = avg / 2
	}
	durationToZero := durationToStart
	if result > 0 && first >= 0 {
		durationToZero = sampled * (first / result)
	}
	if durationToZero < durationToStart {
		durationToStart = durationToZero
	}
	if durationToEnd >= threshold {
		durationToEnd = avg / 2
	}
	factor := 1.0
	if sampled != 0 {
		factor = (sampled + durationToStart + durationToEnd) / sampled
	}
	factor /= win.Seconds()
	return result * factor, true
}

// gaugeSums are sum_over_time and count_over_time of a 0/1 gauge over
// (t-win, t] (its sum of whole numbers is exact, as Kahan's is), false
// when the window holds no sample.
func (w *sloWorld) gaugeSums(s *sloSeries, t, win time.Duration) (sum, count float64, ok bool) {
	i0, i1, ok := w.span(len(s.vals), t, win)
	if !ok {
		return 0, 0, false
	}
	sum, count = s.cum[i1+1]-s.cum[i0], float64(s.cnt[i1+1]-s.cnt[i0])
	return sum, count, count > 0
}

// prefix fills the running sums of a gauge's samples.
func (s *sloSeries) prefix() {
	s.cum, s.cnt = make([]float64, len(s.vals)+1), make([]int, len(s.vals)+1)
	for i, v := range s.vals {
		s.cum[i+1], s.cnt[i+1] = s.cum[i], s.cnt[i]
		if !math.IsNaN(v) {
			s.cum[i+1] += v
			s.cnt[i+1]++
		}
	}
}

// sum is sum(f(series)) over the selected series with a sample; false
// when none has one.
func sum(ss []*sloSeries, f func(*sloSeries) (float64, bool)) (float64, bool) {
	var s, c float64
	any := false
	for _, x := range ss {
		v, ok := f(x)
		if !ok {
			continue
		}
		any = true
		s, c = kahansum.Inc(v, s, c)
	}
	if !any {
		return 0, false
	}
	return s + c, true
}

// errorRatio is the SLI's recorded error ratio over win at t
// (slo.SLI.ErrorRatio), false for no sample.
func (w *sloWorld) errorRatio(sli *slo.SLI, t, win time.Duration) (float64, bool) {
	if sli.Gauge {
		ss := w.selected(sli.Total)
		good, ok := sum(ss, func(s *sloSeries) (float64, bool) { v, _, ok := w.gaugeSums(s, t, win); return v, ok })
		if !ok {
			return 0, false
		}
		total, _ := sum(ss, func(s *sloSeries) (float64, bool) { _, n, ok := w.gaugeSums(s, t, win); return n, ok })
		return 1 - good/total, true
	}
	rate := func(s *sloSeries) (float64, bool) { return w.rate(s.vals, t, win) }
	total, ok := sum(w.selected(sli.Total), rate)
	if !ok {
		return 0, false
	}
	num := sli.Bad
	if num == nil {
		num = sli.Good
	}
	n, ok := sum(w.selected(num), rate)
	if !ok {
		n = 0 // or vector(0)
	}
	if sli.Bad != nil {
		return n / total, true
	}
	return 1 - n/total, true
}

// seriesLabelsOf are the labels of a series as the engine stores them.
func seriesLabelsOf(metric string, l map[string]string) labels.Labels {
	b := labels.NewScratchBuilder(len(l) + 1)
	b.Add(labels.MetricName, metric)
	for k, v := range l {
		if v != "" {
			b.Add(k, v)
		}
	}
	b.Sort()
	return b.Labels()
}

// sloLabelsText renders a recorded series for a promql_expr_test.
func sloLabelsText(name string, l map[string]string) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('{')
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		writeQuoted(&b, l[k])
	}
	b.WriteByte('}')
	return b.String()
}
