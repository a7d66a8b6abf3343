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
	// LeFirst puts le first in a quantile's grouping (the dashboards'
	// order), not last (the rules').
	LeFirst bool
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
	return sel.Metric() + stack.Matchers(q.pairs(sel)...)
}

func (q Query) pairs(sel presets.Selector) []string {
	pairs := slices.Clone(q.Base)
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

// Rate is the per-second rate of counter c: sum by (...) (rate(...)).
// Several counters are summed in one aggregation, each rate labelled with
// its series name first: rate() drops the name, and counters whose other
// labels are the same (TorchServe's Requests2XX and Requests5XX) would
// clash; a counter absent until its first count still adds up.
func (q Query) Rate(c presets.Counter) string {
	by := q.by(c)
	if len(c) == 1 {
		return "sum by (" + by + ") (rate(" + q.selector(c[0]) + "[" + q.Range + "]))"
	}
	parts := make([]string, len(c))
	for i, sel := range c {
		parts[i] = "label_replace(rate(" + q.selector(sel) + "[" + q.Range + "]), " + strconv.Quote(CounterLabel) + ", " +
			strconv.Quote(sel.Metric()) + ", \"\", \"\")"
	}
	return "sum by (" + by + ") (" + strings.Join(parts, " or ") + ")"
}

// CounterLabel is the label Rate gives each of several counters it sums.
const CounterLabel = "counter"

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
	by := q.by([]presets.Selector{{Family: h.Family}}, "le")
	if q.LeFirst {
		by = "le, " + q.by([]presets.Selector{{Family: h.Family}})
	}
	return "histogram_quantile(" + num(phi) + ", sum by (" + by + ") (rate(" +
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
