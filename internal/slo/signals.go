package slo

import (
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Histogram is a latency histogram a workload exports.
type Histogram struct {
	// Metric is the base name (series Metric_bucket, _count, _sum).
	Metric string
	// Unit of the bucket bounds: "s", "ms" or "us".
	Unit string
	// Buckets are the upper bounds the application exports (without
	// +Inf), in Unit; nil when nobody declared them.
	Buckets []float64
	// BucketsFrom says who declared the buckets, for messages: a spec
	// path, or the preset that knows them.
	BucketsFrom string
}

// Requests are a workload's request counters.
type Requests struct {
	// Total counts every request; Bad the failed ones (a subset).
	Total, Bad Selector
	// From is the spec path that declares them.
	From string
}

// Signals are what a workload's own series offer an SLI: its request
// counters and latency histograms, selecting the workload's series
// (namespace and workload labels) and, where it serves models, the model
// label named by ModelLabel.
type Signals struct {
	Requests *Requests
	// NoRequests says why Requests is nil.
	NoRequests string
	Latency    *Histogram
	// NoLatency says why Latency is nil.
	NoLatency  string
	ModelLabel string
	// Models are the models the workload serves (all, by default).
	Models []string
}

// signalsOf returns the signals of w. An inference workload without a
// server preset exports what its inference block names (the seed's
// prometheus_client metrics).
func signalsOf(w *model.Workload) Signals {
	if w.Inference == nil {
		why := "workload " + w.Name + " is a " + w.Kind + " workload: only inference workloads export request counters and latency histograms; use a ratio or boolGauge SLI"
		return Signals{NoRequests: why, NoLatency: why}
	}
	in := w.Inference
	base := workloadMatchers(w)
	total := Selector{Metric: in.RequestsMetric, Matchers: base}
	return Signals{
		Requests: &Requests{
			Total: total,
			Bad:   total.With(eq(in.StatusLabel, in.ErrorStatus)),
			From:  w.Path("inference", "requestsMetric"),
		},
		Latency:    &Histogram{Metric: in.LatencyMetric, Unit: "s"},
		ModelLabel: in.ModelLabel,
		Models:     in.Models,
	}
}
