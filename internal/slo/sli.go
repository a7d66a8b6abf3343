package slo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// SLI is an SLO's indicator as sums of series selectors. Exactly one of
// Bad and Good is set (non-nil); the error ratio over a window is
// bad/total, or 1 - good/total. A Gauge SLI counts samples of a 0/1 gauge
// (Good and Total are the gauge, one selector) instead of the rate of
// counters.
type SLI struct {
	Kind  string
	Bad   Sum
	Good  Sum
	Total Sum
	Gauge bool
	// Histogram and Threshold (in the histogram's unit) of a latency SLI.
	Histogram *Histogram
	Threshold float64
	// Path is the spec path of the SLI kind (slos.x.sli.latency); the
	// paths of the selectors' spec fields, for positions.
	Path                         string
	BadPath, GoodPath, TotalPath string
}

// Selectors returns the SLI's selectors with their spec paths.
func (s *SLI) Selectors() []PathSelector {
	var out []PathSelector
	for _, sum := range []struct {
		Sum
		path string
	}{{s.Bad, s.BadPath}, {s.Good, s.GoodPath}, {s.Total, s.TotalPath}} {
		for _, sel := range sum.Sum {
			out = append(out, PathSelector{sel, sum.path})
		}
	}
	return out
}

// PathSelector is a selector and the spec path it comes from.
type PathSelector struct {
	Selector
	Path string
}

// Problem is a reason an SLO cannot be compiled, at a spec path.
type Problem struct {
	Path    string
	Message string
}

// PromQL is the parser selectors are read with (promtool's defaults).
var PromQL = parser.NewParser(parser.Options{})

// unitNanos are the nanoseconds of a histogram unit.
var unitNanos = map[string]float64{"s": 1e9, "ms": 1e6, "us": 1e3}

// resolveSLI builds the SLI of o (w is its workload, nil if none).
func resolveSLI(o *model.SLO, w *model.Workload) (SLI, []Problem) {
	var probs []Problem
	bad := func(path, format string, args ...any) {
		probs = append(probs, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	kinds := o.SLI.Kinds()
	if len(kinds) != 1 {
		what := "none"
		if len(kinds) > 1 {
			what = strings.Join(kinds, " and ")
		}
		bad(o.Path("sli"), "set exactly one SLI kind (availability, latency, ratio or boolGauge); this SLO sets %s", what)
		return SLI{}, probs
	}
	kind := kinds[0]
	out := SLI{Kind: kind, Path: o.Path("sli", kind)}
	needWorkload := func() (Signals, bool) {
		if w == nil {
			bad(o.Path("sli", kind), "a%s %s SLI reads a workload's metrics: set slos.%s.workload (or use a ratio SLI with your own selectors)", article(kind), kind, o.Name)
			return Signals{}, false
		}
		return signalsOf(w), true
	}
	// models is the model matcher of series that carry the model label
	// (byModel; what names them in messages); an SLI on series without it
	// covers every model.
	models := func(sig Signals, byModel bool, what string, want []string, path string) []*labels.Matcher {
		if sig.ModelLabel == "" || len(sig.Models) == 0 {
			if len(want) > 0 {
				bad(path, "workload %s serves no models to choose from", w.Name)
			}
			return nil
		}
		if !byModel {
			if len(want) > 0 {
				bad(path, "%s carry no %s label (the server counts every model together): an SLI on them covers all of workload %s's models; remove models", what, sig.ModelLabel, w.Name)
			}
			return nil
		}
		if len(want) == 0 {
			want = sig.Models
		}
		for _, m := range want {
			if !slices.Contains(sig.Models, m) {
				bad(path, "model %q is not one workload %s serves (%s)", m, w.Name, strings.Join(sig.Models, ", "))
			}
		}
		return []*labels.Matcher{oneOf(sig.ModelLabel, want)}
	}
	switch kind {
	case model.SLIAvailability:
		sig, ok := needWorkload()
		if !ok {
			break
		}
		if sig.Requests == nil {
			bad(out.Path, "%s", sig.NoRequests)
			break
		}
		r := sig.Requests
		ms := models(sig, r.ByModel, "its request counters ("+slices.Concat(r.Bad, r.Total).names()+")", o.SLI.Availability.Models, o.Path("sli", kind, "models"))
		out.Bad, out.Total = r.Bad.With(ms...), r.Total.With(ms...)
		out.BadPath, out.TotalPath = out.Path, out.Path
	case model.SLILatency:
		l := o.SLI.Latency
		var sig Signals
		// An application's own histogram: the workload's series, split by
		// the workload's model label.
		h := &Histogram{Unit: l.Unit, ByModel: true}
		if w != nil {
			sig = signalsOf(w)
			h.Matchers = workloadMatchers(w)
		}
		signal := l.Signal
		if signal == "" {
			signal = model.LatencyRequest
		}
		switch {
		case l.Metric != "" && signal != model.LatencyRequest:
			bad(o.Path("sli", kind, "metric"), "metric names a histogram of the application's own, signal %q one of its server's: set one of them", signal)
		case l.Metric != "":
			h.Metric = l.Metric
		case w == nil:
			needWorkload()
		case sig.Latency[signal] == nil:
			path := out.Path
			if l.Signal != "" {
				path = o.Path("sli", kind, "signal")
			}
			bad(path, "%s", sig.NoLatency[signal])
		default:
			*h = *sig.Latency[signal]
		}
		if h.Metric == "" {
			break
		}
		if l.Buckets != nil {
			h.Buckets, h.BucketsFrom = l.Buckets, o.Path("sli", kind, "buckets")
		}
		if l.Metric != "" && l.Unit != "" {
			h.Unit = l.Unit
		}
		var ms []*labels.Matcher
		if w != nil {
			ms = models(sig, h.ByModel, "its histogram's series ("+h.Metric+")", l.Models, o.Path("sli", kind, "models"))
		}
		d, _ := parseDuration(l.Threshold) // the schema validated it
		out.Histogram = h
		out.Threshold = float64(d) / unitNanos[h.Unit]
		series := Selector{Matchers: h.Matchers}.With(ms...)
		out.Good = Sum{Selector{Metric: h.Metric + "_bucket", Matchers: series.Matchers}.With(eq("le", labels.FormatOpenMetricsFloat(out.Threshold)))}
		out.Total = Sum{Selector{Metric: h.Metric + "_count", Matchers: series.Matchers}}
		out.GoodPath, out.TotalPath = o.Path("sli", kind, "threshold"), out.Path
	case model.SLIRatio:
		r := o.SLI.Ratio
		if (r.Errors == "") == (r.Good == "") {
			bad(out.Path, "set exactly one of errors (bad events) and good")
			break
		}
		parse := func(field, text string) Sum {
			s, err := ParseSelector(PromQL, text)
			if err != nil {
				bad(o.Path("sli", kind, field), "%v", err)
				return nil
			}
			if w != nil {
				s = s.With(workloadMatchers(w)...)
			}
			return Sum{s}
		}
		if r.Errors != "" {
			out.Bad, out.BadPath = parse("errors", r.Errors), o.Path("sli", kind, "errors")
		} else {
			out.Good, out.GoodPath = parse("good", r.Good), o.Path("sli", kind, "good")
		}
		out.Total, out.TotalPath = parse("total", r.Total), o.Path("sli", kind, "total")
	case model.SLIBoolGauge:
		s, err := ParseSelector(PromQL, o.SLI.BoolGauge.Selector)
		path := o.Path("sli", kind, "selector")
		if err != nil {
			bad(path, "%v", err)
			break
		}
		if w != nil {
			s = s.With(workloadMatchers(w)...)
		}
		out.Good, out.Total, out.Gauge = Sum{s}, Sum{s}, true
		out.GoodPath, out.TotalPath = path, path
	}
	return out, probs
}

func article(kind string) string {
	if strings.IndexByte("aeiou", kind[0]) >= 0 {
		return "n"
	}
	return ""
}

// workloadMatchers select a workload's own series: the labels the
// generated scrape relabeling attaches (stack.WorkloadMatchers).
func workloadMatchers(w *model.Workload) []*labels.Matcher {
	pairs := stack.WorkloadMatchers(w)
	out := make([]*labels.Matcher, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, eq(pairs[i], pairs[i+1]))
	}
	return out
}
