package slo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/presets"
	"github.com/dataopsgen/dataopsgen/presets/servers"
)

// Histogram is a latency histogram a workload exports.
type Histogram struct {
	// Metric is the base name (series Metric_bucket, _count, _sum).
	Metric string
	// Matchers are the preset's own matchers on the histogram's series.
	Matchers []*labels.Matcher
	// Unit of the bucket bounds: "s", "ms" or "us".
	Unit string
	// Buckets are the upper bounds the application exports (without
	// +Inf), in Unit; nil when nobody declared them.
	Buckets []float64
	// BucketsFrom says who declared the buckets, for messages: a spec
	// path, or the preset that knows them and the server's source.
	BucketsFrom string
	// NoBuckets says why the preset does not know the buckets (they are
	// then for the spec to declare); "" for an application's histogram.
	NoBuckets string
	// ByModel: the histogram's series carry the server's model label.
	ByModel bool
}

// Requests are a workload's request counters: the failed ones (Bad) among
// all of them (Total), each a sum of counters (Triton counts successes and
// failures apart).
type Requests struct {
	Total, Bad Sum
	// ByModel: every counter carries the server's model label.
	ByModel bool
}

// Signals are what a workload's own series offer an SLI: its request
// counters and latency histograms as its server's preset names them,
// selecting the workload's series (namespace and workload labels) and,
// where it serves models, the model label named by ModelLabel.
type Signals struct {
	Requests *Requests
	// NoRequests says why Requests is nil.
	NoRequests string
	// Latency are the latency histograms by signal (model.LatencyRequest,
	// LatencyTTFT, LatencyTPOT); NoLatency says why one is missing.
	Latency    map[string]*Histogram
	NoLatency  map[string]string
	ModelLabel string
	// Models are the models the workload serves (all, by default).
	Models []string
}

// latencySignals are the latency signals of an SLI, in the schema's order.
var latencySignals = []string{model.LatencyRequest, model.LatencyTTFT, model.LatencyTPOT}

// signalTitles name the signals in messages.
var signalTitles = map[string]string{
	model.LatencyRequest: "request latency histogram",
	model.LatencyTTFT:    "time-to-first-token histogram",
	model.LatencyTPOT:    "time-per-output-token histogram",
}

// unitOf is the spec's unit of a preset's duration unit.
var unitOf = map[presets.Unit]string{presets.Seconds: "s", presets.Milliseconds: "ms", presets.Microseconds: "us"}

// signalsOf returns the signals of w, read from its server's preset (an
// inference workload without a server has the custom preset: the names
// its inference block gives).
func signalsOf(w *model.Workload) Signals {
	sig := Signals{Latency: map[string]*Histogram{}, NoLatency: map[string]string{}}
	why := func(s string) {
		sig.NoRequests = s
		for _, l := range latencySignals {
			sig.NoLatency[l] = s
		}
	}
	if w.Inference == nil {
		why("workload " + w.Name + " is a " + w.Kind + " workload: only inference workloads export request counters and latency histograms; use a ratio or boolGauge SLI")
		return sig
	}
	p := w.Inference.Preset
	if p == nil { // an unknown server: spec/server reports it
		why(fmt.Sprintf("workload %s's server %q has no preset", w.Name, w.Inference.Server))
		return sig
	}
	sig.ModelLabel, sig.Models = p.ModelLabel, w.Inference.Models
	base := workloadMatchers(w)
	server := serverName(p)
	if e := p.Errors; e != nil {
		sig.Requests = &Requests{Bad: sumOf(e.Failed, base), Total: sumOf(e.Total, base),
			ByModel: p.HasModelLabel(slices.Concat(e.Failed, e.Total)...)}
	} else {
		sig.NoRequests = server + " exports no failure signal for an availability SLI: " + p.NoErrors +
			"; use a latency SLI, or a ratio SLI over counters the workload exports"
	}
	for _, l := range latencySignals {
		h, no := histogramOf(p, l)
		if h == nil {
			sig.NoLatency[l] = server + " " + no
			continue
		}
		h.Matchers = slices.Concat(base, h.Matchers)
		sig.Latency[l] = h
	}
	return sig
}

// histogramOf is the preset's histogram of a latency signal, or why it
// has none.
func histogramOf(p *presets.Server, signal string) (*Histogram, string) {
	h := signalHistogram(p, signal)
	switch {
	case h != nil:
	case signal == model.LatencyRequest && p.Latency == nil:
		return nil, "exports no request latency"
	case signal == model.LatencyRequest:
		return nil, "exports no request latency histogram, only an average: " + p.Latency.Why +
			". A latency SLI counts the requests under a threshold from a histogram's buckets, which an average cannot give; " +
			"use an availability SLI, the average-latency alert (inference.latency), or a latency SLI on a histogram the workload exports (sli.latency.metric and buckets)"
	default:
		return nil, "exports no " + signalTitles[signal] + " (servers that do: " + strings.Join(serversWith(signal), ", ") +
			"); for a histogram of the application's own, set sli.latency.metric and buckets"
	}
	f := p.Family(h.Family)
	out := &Histogram{Metric: h.Family, Matchers: matchersOf(h.Matchers), Unit: unitOf[f.Unit], Buckets: f.Buckets,
		ByModel: p.HasModelLabel(presets.Selector{Family: h.Family})}
	switch {
	case f.Buckets != nil:
		out.BucketsFrom = "the " + p.Title + " preset, " + f.Source
	case !p.Custom():
		out.NoBuckets = "the " + p.Title + " preset has none: " + f.Source + " does not give them"
	}
	return out, ""
}

// signalHistogram is the preset's histogram of a latency signal, nil when
// it exports none (or, for the request latency, only an average).
func signalHistogram(p *presets.Server, signal string) *presets.Histogram {
	switch signal {
	case model.LatencyRequest:
		if p.Latency.Quantiles() {
			return p.Latency.Histogram
		}
	case model.LatencyTTFT:
		return p.TTFT
	case model.LatencyTPOT:
		return p.TPOT
	}
	return nil
}

// serversWith are the presets that export a latency signal's histogram.
func serversWith(signal string) []string {
	var out []string
	for _, p := range servers.All() {
		if signalHistogram(p, signal) != nil && !p.Custom() {
			out = append(out, p.Name)
		}
	}
	return out
}

func serverName(p *presets.Server) string {
	if p.Custom() {
		return "the workload's application"
	}
	return p.Title + " (server \"" + p.Name + "\")"
}

// sumOf is the preset's counter as selectors of the workload's series:
// base, then the preset's matchers.
func sumOf(c presets.Counter, base []*labels.Matcher) Sum {
	out := make(Sum, len(c))
	for i, sel := range c {
		out[i] = Selector{Metric: sel.Metric(), Matchers: slices.Concat(base, matchersOf(sel.Matchers))}
	}
	return out
}

var matchTypes = map[string]labels.MatchType{"=": labels.MatchEqual, "!=": labels.MatchNotEqual, "=~": labels.MatchRegexp, "!~": labels.MatchNotRegexp}

func matchersOf(ms []presets.Matcher) []*labels.Matcher {
	out := make([]*labels.Matcher, len(ms))
	for i, m := range ms {
		out[i] = labels.MustNewMatcher(matchTypes[m.Op], m.Label, m.Value) // presets.Validate and their tests keep them valid
	}
	return out
}
