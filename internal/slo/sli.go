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

// SLI is an SLO's indicator as series selectors. Exactly one of Bad and
// Good is set; the error ratio over a window is bad/total, or 1 -
// good/total. A Gauge SLI counts samples of a 0/1 gauge (Good and Total
// are the gauge) instead of the rate of counters.
type SLI struct {
	Kind  string
	Bad   *Selector
	Good  *Selector
	Total Selector
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
	if s.Bad != nil {
		out = append(out, PathSelector{*s.Bad, s.BadPath})
	}
	if s.Good != nil {
		out = append(out, PathSelector{*s.Good, s.GoodPath})
	}
	return append(out, PathSelector{s.Total, s.TotalPath})
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
	models := func(sig Signals, want []string, path string) []*labels.Matcher {
		if sig.ModelLabel == "" || len(sig.Models) == 0 {
			if len(want) > 0 {
				bad(path, "workload %s serves no models to choose from", w.Name)
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
		ms := models(sig, o.SLI.Availability.Models, o.Path("sli", kind, "models"))
		b, t := sig.Requests.Bad.With(ms...), sig.Requests.Total.With(ms...)
		out.Bad, out.Total = &b, t
		out.BadPath, out.TotalPath = out.Path, out.Path
	case model.SLILatency:
		l := o.SLI.Latency
		var sig Signals
		h := &Histogram{Unit: l.Unit}
		var base []*labels.Matcher
		if w != nil {
			sig = signalsOf(w)
			base = workloadMatchers(w)
		}
		switch {
		case l.Metric != "":
			h.Metric = l.Metric
		case w == nil:
			needWorkload()
		case sig.Latency == nil:
			bad(out.Path, "%s", sig.NoLatency)
		default:
			*h = *sig.Latency
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
			ms = models(sig, l.Models, o.Path("sli", kind, "models"))
		}
		d, _ := parseDuration(l.Threshold) // the schema validated it
		out.Histogram = h
		out.Threshold = float64(d) / unitNanos[h.Unit]
		good := Selector{Metric: h.Metric + "_bucket", Matchers: base}.With(ms...).With(eq("le", labels.FormatOpenMetricsFloat(out.Threshold)))
		out.Good = &good
		out.Total = Selector{Metric: h.Metric + "_count", Matchers: base}.With(ms...)
		out.GoodPath, out.TotalPath = o.Path("sli", kind, "threshold"), out.Path
	case model.SLIRatio:
		r := o.SLI.Ratio
		if (r.Errors == "") == (r.Good == "") {
			bad(out.Path, "set exactly one of errors (bad events) and good")
			break
		}
		parse := func(field, text string) *Selector {
			s, err := ParseSelector(PromQL, text)
			if err != nil {
				bad(o.Path("sli", kind, field), "%v", err)
				return nil
			}
			if w != nil {
				s = s.With(workloadMatchers(w)...)
			}
			return &s
		}
		if r.Errors != "" {
			out.Bad, out.BadPath = parse("errors", r.Errors), o.Path("sli", kind, "errors")
		} else {
			out.Good, out.GoodPath = parse("good", r.Good), o.Path("sli", kind, "good")
		}
		if t := parse("total", r.Total); t != nil {
			out.Total = *t
		}
		out.TotalPath = o.Path("sli", kind, "total")
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
		out.Good, out.Total, out.Gauge = &s, s, true
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
