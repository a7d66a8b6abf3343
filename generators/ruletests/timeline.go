package ruletests

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/util/kahansum"

	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// timeline is the time grid of a workload's tests. Samples and rule
// evaluations happen every step; a scenario is healthy until onset, then
// breaks.
type timeline struct {
	step  time.Duration
	onset time.Duration
}

// steps are the candidate grid steps, largest first.
var steps = []time.Duration{
	time.Minute, 30 * time.Second, 20 * time.Second, 15 * time.Second, 10 * time.Second,
	5 * time.Second, 2 * time.Second, time.Second, 500 * time.Millisecond, 200 * time.Millisecond,
	100 * time.Millisecond, 50 * time.Millisecond, 20 * time.Millisecond, 10 * time.Millisecond,
	5 * time.Millisecond, 2 * time.Millisecond, time.Millisecond,
}

// newTimeline picks the largest step that divides every window and is at
// most a quarter of the shortest: every range then holds at least four
// samples (a rate needs two), and window edges fall on the grid, so the time
// an alert starts or fires is known exactly rather than approximately. The
// healthy phase lasts one longest window plus a step, so that every window
// is full of healthy data before anything breaks.
func newTimeline(windows ...string) (timeline, error) {
	ws, err := durs(windows)
	if err != nil {
		return timeline{}, err
	}
	if tl, ok := gridFor(ws, nil, ws[0], ws[0]); ok {
		return tl, nil
	}
	return timeline{}, fmt.Errorf("windows %v: no test step of at most a quarter of the shortest divides them all", windows)
}

// gridFor is the timeline of the largest step that divides every window of
// ws and every divisor, and is at most a quarter of the shortest of ws and
// of shortest, with the onset after the longest of ws and of longest; ok
// is false when no step does.
func gridFor(ws, divisors []time.Duration, shortest, longest time.Duration) (timeline, bool) {
	for _, w := range ws {
		shortest, longest = min(shortest, w), max(longest, w)
	}
	for _, s := range steps {
		if 4*s > shortest {
			continue
		}
		ok := true
		for _, w := range slices.Concat(ws, divisors) {
			ok = ok && w%s == 0
		}
		if ok {
			return timeline{step: s, onset: longest + s}, true
		}
	}
	return timeline{}, false
}

// ceil rounds d up to the grid.
func (tl timeline) ceil(d time.Duration) time.Duration {
	return (d + tl.step - 1) / tl.step * tl.step
}

// before is the last grid point strictly before d.
func (tl timeline) before(d time.Duration) time.Duration {
	return (d - 1) / tl.step * tl.step
}

// samples is the number of samples from 0 to end included.
func (tl timeline) samples(end time.Duration) int { return int(end/tl.step) + 1 }

// onsetIndex is the index of the first sample after onset.
func (tl timeline) onsetIndex() int { return int(tl.onset / tl.step) }

// durs parses each of windows.
func durs(windows []string) ([]time.Duration, error) {
	var ws []time.Duration
	for _, s := range windows {
		d, err := dur(s)
		if err != nil {
			return nil, err
		}
		ws = append(ws, d)
	}
	return ws, nil
}

func dur(s string) (time.Duration, error) {
	d, err := prommodel.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", s, err)
	}
	return time.Duration(d), nil
}

func modelDur(d time.Duration) prommodel.Duration { return prommodel.Duration(d) }

// values builds a series' values in promqltest notation; samples gives the
// sample values it stands for (computed the way the notation's expansion
// computes them: by repeated addition) to derive expected results.
type values struct {
	// segs are the notation's items: `First+IncxN-1` (N samples), `_xN` (N
	// omitted), or `stale`. They go to the runner as they are
	// (promunit.SeriesDesc).
	segs  []promunit.SeriesRun
	n     int     // samples so far
	lastV float64 // the last sample, NaN for a missing one or a staleness marker
}

// appendSegment appends s in notation to b.
func appendSegment(b []byte, s promunit.SeriesRun) []byte {
	switch {
	case s.Stale:
		return append(b, "stale"...)
	case s.Omitted && s.N == 1:
		return append(b, '_')
	case s.Omitted:
		return strconv.AppendInt(append(b, "_x"...), int64(s.N), 10)
	case s.N == 1:
		return appendNum(b, s.First)
	case s.Inc == 0:
		b = appendNum(b, s.First)
	case s.Inc < 0:
		b = appendNum(appendNum(b, s.First), s.Inc)
	default:
		b = appendNum(append(appendNum(b, s.First), '+'), s.Inc)
	}
	return strconv.AppendInt(append(b, 'x'), int64(s.N-1), 10)
}

func start(v float64) *values { return (&values{}).then(v, 1) }

// gap is n missing samples (`_`): the series does not exist yet.
func gap(n int) *values {
	b := &values{}
	if n > 0 {
		b.segs = append(b.segs, promunit.SeriesRun{Omitted: true, N: n})
		b.n, b.lastV = n, math.NaN()
	}
	return b
}

// samples are the sample values, NaN for a missing sample or a staleness
// marker: each run from its first value by repeated addition of its
// increment (the values add and then computed when they made the run).
func (b *values) samples() []float64 {
	out := make([]float64, 0, b.n)
	for _, s := range b.segs {
		switch {
		case s.Stale:
			out = append(out, math.NaN())
		case s.Omitted:
			for range s.N {
				out = append(out, math.NaN())
			}
		default:
			v := s.First
			for range s.N {
				out = append(out, v)
				v += s.Inc
			}
		}
	}
	return out
}

// add appends n samples, each inc above the previous one (inc 0 holds). It
// extends the last segment when that continues the same progression, so
// that `0 20 40 ... 400` reads `0+20x20`.
func (b *values) add(n int, inc float64) *values {
	if n <= 0 {
		return b
	}
	v := b.lastV + inc
	if k := len(b.segs) - 1; k >= 0 && !b.segs[k].Omitted && !b.segs[k].Stale && (b.segs[k].N == 1 || b.segs[k].Inc == inc) {
		b.segs[k].Inc = inc
		b.segs[k].N += n
	} else {
		b.segs = append(b.segs, promunit.SeriesRun{First: v, Inc: inc, N: n})
	}
	for range n - 1 {
		v += inc
	}
	b.n, b.lastV = b.n+n, v
	return b
}

// until extends the series with inc per sample up to n samples in total.
func (b *values) until(n int, inc float64) *values { return b.add(n-b.n, inc) }

// then appends samples of value v up to n samples in total.
func (b *values) then(v float64, n int) *values {
	k := n - b.n
	if k <= 0 {
		return b
	}
	b.segs = append(b.segs, promunit.SeriesRun{First: v, N: k})
	b.n, b.lastV = n, v
	return b
}

// stale ends the series with a staleness marker, as Prometheus writes when
// a target disappears.
func (b *values) stale() *values {
	b.segs = append(b.segs, promunit.SeriesRun{Stale: true})
	b.n, b.lastV = b.n+1, math.NaN()
	return b
}

func (b *values) String() string {
	buf := make([]byte, 0, 24*len(b.segs))
	for i, s := range b.segs {
		if i > 0 {
			buf = append(buf, ' ')
		}
		buf = appendSegment(buf, s)
	}
	return string(buf)
}

// valuesText is a series' values as written (String) and as runs: read
// only, they may be shared by series with the same values.
type valuesText struct {
	text string
	runs []promunit.SeriesRun
}

// text is b's notation and runs; b is not changed after this.
func (b *values) text() valuesText { return valuesText{b.String(), slices.Clip(b.segs)} }

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func appendNum(b []byte, f float64) []byte { return strconv.AppendFloat(b, f, 'g', -1, 64) }

// increase is PromQL's increase(series[window]) at time t for a counter
// sampled on the grid without resets: the sampled delta extrapolated to the
// window's edges, the way promql's extrapolatedRate does it (same float
// operations, so the expected value is the one Prometheus computes).
func (tl timeline) increase(vals []float64, t, window time.Duration) float64 {
	return tl.extrapolated(vals, t, window, false)
}

// rate is PromQL's rate(series[window]) at time t, as increase.
func (tl timeline) rate(vals []float64, t, window time.Duration) float64 {
	return tl.extrapolated(vals, t, window, true)
}

func (tl timeline) extrapolated(vals []float64, t, window time.Duration, isRate bool) float64 {
	rangeStart, rangeEnd := (t - window).Milliseconds(), t.Milliseconds()
	var ts []int64
	var fs []float64
	for i, v := range vals {
		at := (time.Duration(i) * tl.step).Milliseconds()
		if at > rangeStart && at <= rangeEnd && !math.IsNaN(v) {
			ts, fs = append(ts, at), append(fs, v)
		}
	}
	if len(fs) < 2 {
		return math.NaN()
	}
	result := fs[len(fs)-1] - fs[0]
	durationToStart := float64(ts[0]-rangeStart) / 1000
	durationToEnd := float64(rangeEnd-ts[len(ts)-1]) / 1000
	sampled := float64(ts[len(ts)-1]-ts[0]) / 1000
	avg := sampled / float64(len(fs)-1)
	threshold := avg * 1.1
	if durationToStart >= threshold {
		durationToStart = avg / 2
	}
	durationToZero := durationToStart
	if result > 0 && fs[0] >= 0 {
		durationToZero = sampled * (fs[0] / result)
	}
	if durationToZero < durationToStart {
		durationToStart = durationToZero
	}
	if durationToEnd >= threshold {
		durationToEnd = avg / 2
	}
	factor := (sampled + durationToStart + durationToEnd) / sampled
	if isRate {
		factor /= window.Seconds()
	}
	return result * factor
}

// avgOverTime is PromQL's avg_over_time(series[window]) at time t of a
// gauge sampled on the grid (NaN: no sample): the mean of the samples in
// (t-window, t] as promql's funcAvgOverTime computes it for floats whose
// sum does not overflow (a Kahan sum from the first sample, then
// sum/count + c/count).
func (tl timeline) avgOverTime(vals []float64, t, window time.Duration) float64 {
	rangeStart, rangeEnd := (t - window).Milliseconds(), t.Milliseconds()
	var sum, c, count float64
	for i, v := range vals {
		at := (time.Duration(i) * tl.step).Milliseconds()
		if at <= rangeStart || at > rangeEnd || math.IsNaN(v) {
			continue
		}
		if count == 0 {
			sum = v
		} else {
			sum, c = kahansum.Inc(v, sum, c)
		}
		count++
	}
	if count == 0 {
		return math.NaN()
	}
	return sum/count + c/count
}
