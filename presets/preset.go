// Package presets describes what inference servers export: for each server,
// its metric families (names, types, units, labels, histogram buckets, as
// the server's own source defines them), its metrics endpoint, and how the
// signals dataopsgen alerts on are derived from them — requests, errors,
// latency (a histogram, or cumulative sum and count counters), time to
// first token, time per output token, queue, KV cache.
//
// A preset is data: one file per server in presets/servers, a typed struct
// literal whose every name carries a comment citing the file of the
// server's repository that defines it. The rule, dashboard, catalog and
// rule-test generators read presets through this package's types; none of
// them knows a server by name. Typed literals rather than embedded YAML or
// CUE: the compiler checks them, a reader finds each fact next to its
// source, and nothing is decoded at run time (vet stays fast).
package presets

import (
	"fmt"
	"slices"
	"strings"
)

// Server is the preset of one inference server.
type Server struct {
	// Name is the value of `inference: server:` in the spec.
	Name string
	// Title is the server's name for people ("vLLM").
	Title string
	// Versions are the server versions the preset was checked against.
	Versions string
	// Source is where the facts come from (repository, or documentation
	// when the server's source is not public).
	Source string
	// Metrics is where the server serves its metrics by default.
	Metrics Endpoint
	// Setup lists what the server needs for these metrics to be served
	// (flags, configuration, annotations); empty when it serves them by
	// default.
	Setup []string
	// ModelLabel is the label naming the model on the server's per-model
	// series; "" when a server process serves one model and labels none
	// (the workload is the model).
	ModelLabel string
	// Families are the metric families the signals below read, and the
	// others the server exports that a user may want in extraRules (the
	// catalog knows all of them).
	Families []Family

	// Throughput counts the requests the server handles (requests panel).
	Throughput Counter
	// Errors is the error ratio's numerator and denominator; nil when the
	// server exports no failure signal, and NoErrors says why.
	Errors   *ErrorRatio
	NoErrors string
	// Latency is the end-to-end request latency; nil when not exported.
	Latency *Latency
	// TTFT (time to first token) and TPOT (time per output token) are the
	// token-streaming latencies of LLM servers; nil when not exported.
	TTFT, TPOT *Histogram
	// Queue is the number of requests waiting for the engine; KVCache the
	// share (0..1) of the KV cache in use. nil when not exported.
	Queue, KVCache *Gauge
	// Preemptions counts requests the engine preempted (evicted from the
	// KV cache to make room) for the LLM panels.
	Preemptions Counter
	// PromptTokens and GenerationTokens count tokens processed, for the
	// token throughput panel.
	PromptTokens, GenerationTokens Counter

	// Requests are what one request does to the server's counters, as its
	// source increments them: the input of the generated rule tests. Every
	// successful request also observes the latency histograms (Latency,
	// TTFT, TPOT) and adds its latency to Latency.Sum.
	Requests RequestEffects

	// LatencyAlert: whether HighInferenceLatency is on by default. LLM
	// servers' end-to-end latency grows with the number of tokens a request
	// asks for, so their latency alerts are TTFT and TPOT instead.
	LatencyAlert bool
}

// Endpoint is a metrics endpoint.
type Endpoint struct {
	// Port is the container port number the metrics are served on, or 0
	// when PortName is given.
	Port int
	// PortName is the container port's name, when the server's own
	// manifests name it (KubeRay's "metrics").
	PortName string
	// Path of the metrics, "/metrics" mostly.
	Path string
	// Source cites where the port and path are set.
	Source string
}

// PortSpec is the port as the spec's metrics.port takes it: a name, or a
// number in decimal.
func (e Endpoint) PortSpec() string {
	if e.PortName != "" {
		return e.PortName
	}
	return fmt.Sprint(e.Port)
}

// Type is a metric family's type.
type Type string

const (
	TypeCounter   Type = "counter"
	TypeGauge     Type = "gauge"
	TypeHistogram Type = "histogram"
	TypeSummary   Type = "summary"
)

// Unit of a family's values.
type Unit string

const (
	Seconds      Unit = "seconds"
	Milliseconds Unit = "milliseconds"
	Microseconds Unit = "microseconds"
	Requests     Unit = "requests"
	Tokens       Unit = "tokens"
	Ratio        Unit = "ratio"
	Count        Unit = "count"
)

// PerSecond is how many of the unit make a second (1000 for ms), 0 for a
// unit that is not a duration.
func (u Unit) PerSecond() float64 {
	switch u {
	case Seconds:
		return 1
	case Milliseconds:
		return 1e3
	case Microseconds:
		return 1e6
	}
	return 0
}

// IsDuration reports whether the unit is a duration.
func (u Unit) IsDuration() bool { return u.PerSecond() != 0 }

// Family is one metric family as the server exposes it.
type Family struct {
	// Name is the name of the series: a counter's name as scraped (with
	// the _total suffix where the client library adds it), a histogram's
	// or summary's base name (its series add _bucket, _sum and _count).
	Name string
	Type Type
	Unit Unit
	// Labels are the server's own labels on the family, besides the model
	// label when ModelLabel is true, each with a value the server gives it
	// (the generated tests' series carry them).
	Labels []Label
	// ModelLabel: the family carries the server's model label.
	ModelLabel bool
	// OpenLabels: the server may put further labels on the family (global
	// tags, user-configured labels); the catalog then accepts any label.
	OpenLabels bool
	// Buckets are a histogram's upper bounds in Unit, ascending, +Inf left
	// out; nil when the server does not fix them (configurable, or not
	// published). Bounds that changed between the covered versions are
	// left out: these are the ones every covered version has.
	Buckets []float64
	// Lazy: the server creates a labelled series only when it first counts
	// something (a failure counter appears with the first failure);
	// otherwise its series exist from start-up.
	Lazy bool
	// Source is the file (repository path) or page that defines it.
	Source string
	// Declared is the field of workloads.<name>.inference that names the
	// family (custom only: "requestsMetric", "latencyMetric").
	Declared string
}

// Label is a label the server puts on a family.
type Label struct {
	Name string
	// Example is a value the server gives it (tests use it).
	Example string
}

// Series names the series of a family (Suffix "_count", "_sum", "_bucket"
// or "" for the family's own name).
func (f *Family) Series(suffix string) string { return f.Name + suffix }

// Matcher narrows a family to some of its series.
type Matcher struct {
	Label string
	// Op is "=", "=~", "!=" or "!~".
	Op    string
	Value string
}

// Selector is the series of a family (Suffix: a histogram's "_count" or
// "_sum", or "") that match Matchers.
type Selector struct {
	Family   string
	Suffix   string
	Matchers []Matcher
}

// Metric is the selector's series name.
func (s Selector) Metric() string { return s.Family + s.Suffix }

// Counter is one or more counters summed (Triton's success + failure).
type Counter []Selector

// ErrorRatio is failed requests over all requests.
type ErrorRatio struct {
	Failed, Total Counter
	// What says what the failed requests did, completing "5% of the
	// requests to model m ..." in alert texts ("were answered with an HTTP
	// 5xx by the API server").
	What string
}

// Latency is a request latency: a histogram, or cumulative duration and
// count counters from which only an average can be computed.
type Latency struct {
	// Histogram, or nil for the counter shape.
	Histogram *Histogram
	// Sum and Count: the cumulative duration (in the Sum family's unit)
	// and the requests it sums (counter shape).
	Sum, Count *Selector
	// Why is shown when a quantile is asked of the counter shape.
	Why string
}

// Quantiles reports whether percentiles can be computed.
func (l *Latency) Quantiles() bool { return l != nil && l.Histogram != nil }

// Histogram is a latency histogram.
type Histogram struct {
	Family   string
	Matchers []Matcher
}

// Gauge is a per-pod gauge.
type Gauge struct {
	Family   string
	Matchers []Matcher
	// Aggregate is how a pod's series of one model combine: "sum" (one
	// series per engine, each with its own requests) or "max" (ranks that
	// repeat one value).
	Aggregate string
}

// RequestEffects are the counter series one request increments by one.
type RequestEffects struct {
	OK, Failed []Increment
}

// Increment is a series of a counter family (with the family's example
// labels, these label values overriding them) incremented by one.
type Increment struct {
	Family string
	Labels []Label
}

// Family returns the family called name, or nil.
func (s *Server) Family(name string) *Family {
	for i := range s.Families {
		if s.Families[i].Name == name {
			return &s.Families[i]
		}
	}
	return nil
}

// HasModelLabel reports whether every family the selectors read carries
// the model label (the signal can be split by model).
func (s *Server) HasModelLabel(sels ...Selector) bool {
	if s.ModelLabel == "" {
		return false
	}
	for _, sel := range sels {
		if f := s.Family(sel.Family); f == nil || !f.ModelLabel {
			return false
		}
	}
	return true
}

// Custom says whether this is the custom preset (names from the spec).
func (s *Server) Custom() bool { return s.Name == CustomName }

// CustomName is the preset whose metric and label names the spec gives.
const CustomName = "custom"

// LLM reports whether the server exports token-streaming signals.
func (s *Server) LLM() bool { return s.TTFT != nil || s.TPOT != nil }

// Validate checks the preset's consistency: every selector reads a family
// of the right type with the labels it matches, buckets ascend, the
// request effects name counters. It returns every problem.
func (s *Server) Validate() []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, s.Name+": "+fmt.Sprintf(format, args...)) }
	seen := map[string]bool{}
	for _, f := range s.Families {
		if seen[f.Name] {
			bad("family %s twice", f.Name)
		}
		seen[f.Name] = true
		if f.Source == "" {
			bad("family %s cites no source", f.Name)
		}
		if f.ModelLabel && s.ModelLabel == "" {
			bad("family %s carries a model label, the server has none", f.Name)
		}
		for i := 1; i < len(f.Buckets); i++ {
			if f.Buckets[i] <= f.Buckets[i-1] {
				bad("family %s: buckets not strictly ascending", f.Name)
			}
		}
		if len(f.Buckets) > 0 && f.Type != TypeHistogram {
			bad("family %s: buckets on a %s", f.Name, f.Type)
		}
		if f.Type == TypeCounter && f.Unit != Requests && !f.Unit.IsDuration() && f.Unit != Tokens && f.Unit != Count {
			bad("family %s: counter of %s", f.Name, f.Unit)
		}
	}
	selector := func(what string, sel Selector, types ...Type) {
		f := s.Family(sel.Family)
		if f == nil {
			bad("%s reads family %s, which is not listed", what, sel.Family)
			return
		}
		if !slices.Contains(types, f.Type) {
			bad("%s reads %s family %s", what, f.Type, sel.Family)
		}
		if sel.Suffix != "" && f.Type != TypeHistogram && f.Type != TypeSummary {
			bad("%s reads %s%s of a %s", what, sel.Family, sel.Suffix, f.Type)
		}
		if sel.Suffix == "" && (f.Type == TypeHistogram || f.Type == TypeSummary) && !slices.Contains(types, TypeHistogram) {
			bad("%s reads histogram %s without _count or _sum", what, sel.Family)
		}
		for _, m := range sel.Matchers {
			if !f.hasLabel(m.Label) {
				bad("%s matches label %s, which family %s does not carry", what, m.Label, f.Name)
			}
		}
	}
	counter := func(what string, c Counter) {
		for _, sel := range c {
			selector(what, sel, TypeCounter, TypeHistogram, TypeSummary)
		}
	}
	counter("throughput", s.Throughput)
	if len(s.Throughput) == 0 {
		bad("no throughput counter")
	}
	if s.Errors != nil {
		counter("errors.failed", s.Errors.Failed)
		counter("errors.total", s.Errors.Total)
		if len(s.Errors.Failed) == 0 || len(s.Errors.Total) == 0 || s.Errors.What == "" {
			bad("error ratio without failed, total or what")
		}
		if len(s.Requests.Failed) == 0 {
			bad("an error ratio, but no counter a failed request increments")
		}
	} else if s.NoErrors == "" {
		bad("no error ratio and no NoErrors explanation")
	}
	if l := s.Latency; l != nil {
		switch {
		case l.Histogram != nil:
			selector("latency", Selector{Family: l.Histogram.Family, Matchers: l.Histogram.Matchers}, TypeHistogram)
		case l.Sum != nil && l.Count != nil:
			selector("latency.sum", *l.Sum, TypeCounter)
			selector("latency.count", *l.Count, TypeCounter, TypeHistogram)
			if f := s.Family(l.Sum.Family); f != nil && !f.Unit.IsDuration() {
				bad("latency.sum %s is in %s, not a duration", f.Name, f.Unit)
			}
			if l.Why == "" {
				bad("counter-shaped latency without Why")
			}
			counted := slices.ContainsFunc(s.Requests.OK, func(i Increment) bool { return i.Family == l.Count.Family })
			if !counted {
				bad("latency.count %s is not incremented by a successful request", l.Count.Family)
			}
		default:
			bad("latency is neither a histogram nor sum and count")
		}
	}
	for _, h := range []struct {
		what string
		h    *Histogram
	}{{"ttft", s.TTFT}, {"tpot", s.TPOT}} {
		if h.h != nil {
			selector(h.what, Selector{Family: h.h.Family, Matchers: h.h.Matchers}, TypeHistogram)
		}
	}
	for _, g := range []struct {
		what string
		g    *Gauge
	}{{"queue", s.Queue}, {"kvCache", s.KVCache}} {
		if g.g == nil {
			continue
		}
		selector(g.what, Selector{Family: g.g.Family, Matchers: g.g.Matchers}, TypeGauge)
		if g.g.Aggregate != "sum" && g.g.Aggregate != "max" {
			bad("%s aggregates with %q", g.what, g.g.Aggregate)
		}
	}
	counter("preemptions", s.Preemptions)
	counter("promptTokens", s.PromptTokens)
	counter("generationTokens", s.GenerationTokens)
	for _, inc := range append(slices.Clone(s.Requests.OK), s.Requests.Failed...) {
		f := s.Family(inc.Family)
		if f == nil || f.Type != TypeCounter {
			bad("a request increments %s, which is not a listed counter", inc.Family)
			continue
		}
		for _, l := range inc.Labels {
			if !f.hasLabel(l.Name) {
				bad("a request increments %s with label %s, which the family does not carry", inc.Family, l.Name)
			}
		}
	}
	if s.Metrics.Path == "" || (s.Metrics.Port == 0) == (s.Metrics.PortName == "") {
		bad("metrics endpoint needs a path and one of port, port name")
	}
	if !s.Custom() && (s.Metrics.Source == "" || s.Versions == "" || s.Source == "" || s.Title == "") {
		bad("title, versions, source or endpoint source missing")
	}
	return out
}

func (f *Family) hasLabel(name string) bool {
	return slices.ContainsFunc(f.Labels, func(l Label) bool { return l.Name == name })
}

// LabelNames are the family's own label names (the model label included
// when it carries it, as model).
func (f *Family) LabelNames(model string) []string {
	out := make([]string, 0, len(f.Labels)+1)
	if f.ModelLabel && model != "" {
		out = append(out, model)
	}
	for _, l := range f.Labels {
		out = append(out, l.Name)
	}
	return out
}

// BucketsSeconds are the histogram's bounds in seconds (nil when unknown).
func (f *Family) BucketsSeconds() []float64 {
	if f.Buckets == nil || !f.Unit.IsDuration() {
		return nil
	}
	out := make([]float64, len(f.Buckets))
	for i, b := range f.Buckets {
		out[i] = b / f.Unit.PerSecond()
	}
	return out
}

// Describe is a one-line description of a selector for texts:
// "nv_inference_request_failure + nv_inference_request_success".
func (c Counter) Describe() string {
	parts := make([]string, len(c))
	for i, s := range c {
		parts[i] = s.Metric()
		if len(s.Matchers) > 0 {
			var ms []string
			for _, m := range s.Matchers {
				ms = append(ms, m.Label+m.Op+fmt.Sprintf("%q", m.Value))
			}
			parts[i] += "{" + strings.Join(ms, ", ") + "}"
		}
	}
	return strings.Join(parts, " + ")
}

// Matchers are every matcher the server's signals put in selectors.
func (s *Server) Matchers() []Matcher {
	var out []Matcher
	counter := func(c Counter) {
		for _, sel := range c {
			out = append(out, sel.Matchers...)
		}
	}
	counter(s.Throughput)
	if s.Errors != nil {
		counter(s.Errors.Failed)
		counter(s.Errors.Total)
	}
	if l := s.Latency; l != nil && l.Histogram != nil {
		out = append(out, l.Histogram.Matchers...)
	}
	for _, h := range []*Histogram{s.TTFT, s.TPOT} {
		if h != nil {
			out = append(out, h.Matchers...)
		}
	}
	for _, g := range []*Gauge{s.Queue, s.KVCache} {
		if g != nil {
			out = append(out, g.Matchers...)
		}
	}
	counter(s.Preemptions)
	counter(s.PromptTokens)
	counter(s.GenerationTokens)
	return out
}
