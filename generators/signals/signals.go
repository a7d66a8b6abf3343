// Package signals renders the PromQL of a preset's signals — request and
// error rates, latency quantiles and averages, per-pod gauges — for the
// alert rules and the dashboard panels alike, so that both read a server's
// metrics the same way. The caller gives the selector's base matchers (the
// workload's, or the dashboard's variables), the model matcher, the
// grouping and the range; this package adds what the preset says: the
// family's series name and matchers, the model matcher where the family
// carries the model label, the sum of several counters, the unit
// conversion to seconds.
package signals

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/stack"
	"github.com/dataopsgen/dataopsgen/presets"
)

// Query is what every signal's selector shares.
type Query struct {
	Server *presets.Server
	// Base are label/matcher pairs (stack.Matchers) every selector starts
	// with: namespace and workload.
	Base []string
	// Model is the model matcher value ("=~a|b"), added where a family
	// carries the server's model label; "" for none.
	Model string
	// By is the grouping of every aggregation ("namespace, workload").
	// The model label is appended where the signal carries it.
	By []string
	// Range is the range of rate() ("5m", "$__rate_interval").
	Range string
}

// by is the grouping for selectors sels (the model label added when
// every one carries it), plus extra.
func (q Query) by(sels []presets.Selector, extra ...string) string {
	by := slices.Clone(q.By)
	if q.Server.HasModelLabel(sels...) {
		by = append(by, q.Server.ModelLabel)
	}
	return strings.Join(append(by, extra...), ", ")
}

// ByModel reports whether a signal reading sels is split by model.
func (q Query) ByModel(sels ...presets.Selector) bool { return q.Server.HasModelLabel(sels...) }

// selector renders the selector of sel: base, model, the family's
// matchers, in that order.
func (q Query) selector(sel presets.Selector) string {
	return sel.Metric() + stack.Matchers(q.pairs(sel, nil)...)
}

func (q Query) pairs(sel presets.Selector, names []string) []string {
	var pairs []string
	if len(names) > 1 {
		pairs = append(pairs, "__name__", "=~"+alternation(names))
	}
	pairs = append(pairs, q.Base...)
	if q.Model != "" && q.Server.HasModelLabel(sel) {
		pairs = append(pairs, q.Server.ModelLabel, q.Model)
	}
	for _, m := range sel.Matchers {
		v := m.Value
		if m.Op != "=" {
			v = m.Op + v
		}
		pairs = append(pairs, m.Label, v)
	}
	return pairs
}

// Rate is the per-second rate of counter c: sum by (...) (rate(...)). Several
// counters with the same matchers are read by one selector of their names
// (a counter absent until its first count then still adds up); others are
// added.
func (q Query) Rate(c presets.Counter) string {
	by := q.by(c)
	if names, ok := sameMatchers(c); ok {
		sel := c[0]
		if len(names) > 1 {
			return "sum by (" + by + ") (rate(" + stack.Matchers(q.pairs(sel, names)...) + "[" + q.Range + "]))"
		}
		return "sum by (" + by + ") (rate(" + q.selector(sel) + "[" + q.Range + "]))"
	}
	parts := make([]string, len(c))
	for i, sel := range c {
		parts[i] = "sum by (" + by + ") (rate(" + q.selector(sel) + "[" + q.Range + "]))"
	}
	return "(" + strings.Join(parts, " + ") + ")"
}

// sameMatchers reports whether the selectors differ only in their series
// name, and returns the names.
func sameMatchers(c presets.Counter) ([]string, bool) {
	names := make([]string, len(c))
	for i, sel := range c {
		names[i] = sel.Metric()
		if !slices.Equal(sel.Matchers, c[0].Matchers) {
			return nil, false
		}
	}
	return names, true
}

// ErrorRatio is the failed requests' rate over all requests', split by
// model where both carry the model label; sep separates the operands
// ("\n/\n" for rules, " / " for panels).
func (q Query) ErrorRatio(e *presets.ErrorRatio, sep string) string {
	all := append(slices.Clone(e.Failed), e.Total...)
	sub := q
	if !q.Server.HasModelLabel(all...) {
		sub.Model = ""
		sub.Server = withoutModel(q.Server)
	}
	return sub.Rate(e.Failed) + sep + sub.Rate(e.Total)
}

// withoutModel is the server as if it had no model label: a ratio of a
// counter with the label over one without must not split the first.
func withoutModel(s *presets.Server) *presets.Server {
	c := *s
	c.ModelLabel = ""
	return &c
}

// ErrorsByModel reports whether the error ratio is split by model.
func (q Query) ErrorsByModel(e *presets.ErrorRatio) bool {
	return q.Server.HasModelLabel(append(slices.Clone(e.Failed), e.Total...)...)
}

// Quantile is quantile phi of histogram h, in seconds.
func (q Query) Quantile(h *presets.Histogram, phi float64) string {
	sel := presets.Selector{Family: h.Family, Suffix: "_bucket", Matchers: h.Matchers}
	f := q.Server.Family(h.Family)
	return "histogram_quantile(" + num(phi) + ", sum by (" + q.by([]presets.Selector{{Family: h.Family}}, "le") + ") (rate(" +
		q.selector(sel) + "[" + q.Range + "])))" + toSeconds(f.Unit)
}

// Average is the average latency of counter-shaped l, in seconds.
func (q Query) Average(l *presets.Latency) string {
	f := q.Server.Family(l.Sum.Family)
	return q.Rate(presets.Counter{*l.Sum}) + " / " + q.Rate(presets.Counter{*l.Count}) + toSeconds(f.Unit)
}

// Gauge is gauge g aggregated per pod (and model): sum or max by (By, pod).
func (q Query) Gauge(g *presets.Gauge, perPod string) string {
	sel := presets.Selector{Family: g.Family, Matchers: g.Matchers}
	by := slices.Clone(q.By)
	if perPod != "" {
		by = append(by, perPod)
	}
	if q.Server.HasModelLabel(sel) {
		by = append(by, q.Server.ModelLabel)
	}
	return g.Aggregate + " by (" + strings.Join(by, ", ") + ") (" + q.selector(sel) + ")"
}

// GaugeByModel reports whether the gauge is split by model.
func (q Query) GaugeByModel(g *presets.Gauge) bool {
	return q.Server.HasModelLabel(presets.Selector{Family: g.Family})
}

// HistogramByModel reports whether histogram h is split by model.
func (q Query) HistogramByModel(h *presets.Histogram) bool {
	return q.Server.HasModelLabel(presets.Selector{Family: h.Family})
}

// toSeconds divides a duration in unit u into seconds.
func toSeconds(u presets.Unit) string {
	if d := u.PerSecond(); d != 0 && d != 1 {
		return " / " + strconv.FormatFloat(d, 'f', -1, 64)
	}
	return ""
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// alternation matches exactly the given values.
func alternation(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = regexp.QuoteMeta(v)
	}
	return strings.Join(q, "|")
}
