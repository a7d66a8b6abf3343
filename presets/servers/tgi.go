package servers

import "github.com/dataopsgen/dataopsgen/presets"

// TGI's router records its metrics with the metrics crate
// (metrics::counter!/histogram!/gauge!) in huggingface/text-generation-inference
// router/src/server.rs, router/src/infer/mod.rs and backends/v3/src
// (backend.rs, queue.rs), exported by metrics-exporter-prometheus, which
// adds no suffix and creates a series when it is first recorded. No model
// label: one TGI server serves one model. Read at db931fc (3.3.6-dev0).
const (
	tgiServer  = "huggingface/text-generation-inference router/src/server.rs"
	tgiInfer   = "huggingface/text-generation-inference router/src/infer/mod.rs"
	tgiBackend = "huggingface/text-generation-inference backends/v3/src/backend.rs, backends/v3/src/queue.rs"
	tgiDocs    = "huggingface/text-generation-inference docs/source/reference/metrics.md"
)

// TGI is Hugging Face Text Generation Inference.
var TGI = presets.Server{
	Name:     "tgi",
	Title:    "Text Generation Inference",
	Versions: "TGI 2.x and 3.x (checked at db931fc, 3.3.6-dev0)",
	Source:   "github.com/huggingface/text-generation-inference",
	// The launcher's --port defaults to 3000 (launcher/src/main.rs); the
	// image sets PORT=80 (Dockerfile). /metrics is a route of the API
	// server (router/src/server.rs) besides the --prometheus-port listener.
	Metrics: presets.Endpoint{Port: 80, Path: "/metrics", Source: "huggingface/text-generation-inference Dockerfile (PORT=80), router/src/server.rs (route /metrics)"},
	Families: []presets.Family{
		// Every request (generate, generate_stream, chat completions).
		{Name: "tgi_request_count", Type: presets.TypeCounter, Unit: presets.Requests, Lazy: true, Source: tgiServer + "; " + tgiDocs},
		{Name: "tgi_request_success", Type: presets.TypeCounter, Unit: presets.Requests, Lazy: true, Source: tgiServer},
		// err: "validation", "template" (the request's fault), "overloaded",
		// "dropped", "generation", "incomplete".
		{Name: "tgi_request_failure", Type: presets.TypeCounter, Unit: presets.Requests, Lazy: true,
			Labels: []presets.Label{l("err", "generation")}, Source: tgiServer + "; " + tgiInfer + "; " + tgiBackend},
		// Every *duration histogram gets 35 buckets 0.0001×1.5^k, k = 1..35
		// (duration_matcher, router/src/server.rs).
		{Name: "tgi_request_duration", Type: presets.TypeHistogram, Unit: presets.Seconds, Lazy: true, Buckets: tgiDurationBuckets, Source: tgiServer},
		{Name: "tgi_request_queue_duration", Type: presets.TypeHistogram, Unit: presets.Seconds, Lazy: true, Buckets: tgiDurationBuckets, Source: tgiServer},
		{Name: "tgi_request_validation_duration", Type: presets.TypeHistogram, Unit: presets.Seconds, Lazy: true, Buckets: tgiDurationBuckets, Source: tgiServer},
		{Name: "tgi_request_inference_duration", Type: presets.TypeHistogram, Unit: presets.Seconds, Lazy: true, Buckets: tgiDurationBuckets, Source: tgiServer},
		// The mean time per generated token of each request.
		{Name: "tgi_request_mean_time_per_token_duration", Type: presets.TypeHistogram, Unit: presets.Seconds, Lazy: true, Buckets: tgiDurationBuckets, Source: tgiServer},
		// Buckets scale with --max-total-tokens / --max-input-tokens.
		{Name: "tgi_request_generated_tokens", Type: presets.TypeHistogram, Unit: presets.Tokens, Lazy: true, Source: tgiServer},
		{Name: "tgi_request_input_length", Type: presets.TypeHistogram, Unit: presets.Tokens, Lazy: true, Source: tgiServer},
		{Name: "tgi_queue_size", Type: presets.TypeGauge, Unit: presets.Requests, Lazy: true, Source: tgiBackend + "; " + tgiDocs},
		{Name: "tgi_batch_current_size", Type: presets.TypeGauge, Unit: presets.Requests, Lazy: true, Source: tgiBackend},
	},
	Throughput: one("tgi_request_count"),
	Errors: &presets.ErrorRatio{
		// A validation or template failure is the request's fault (HTTP
		// 4xx), not the server's.
		Failed: one("tgi_request_failure", nre("err", "validation|template")),
		Total:  one("tgi_request_count"),
		What:   "failed (tgi_request_failure, but for the request's own validation and template errors)",
	},
	Latency:          &presets.Latency{Histogram: &presets.Histogram{Family: "tgi_request_duration"}},
	TPOT:             &presets.Histogram{Family: "tgi_request_mean_time_per_token_duration"},
	Queue:            &presets.Gauge{Family: "tgi_queue_size", Aggregate: "sum"},
	PromptTokens:     sum("tgi_request_input_length"),
	GenerationTokens: sum("tgi_request_generated_tokens"),
	Requests: presets.RequestEffects{
		OK:     []presets.Increment{inc("tgi_request_count"), inc("tgi_request_success")},
		Failed: []presets.Increment{inc("tgi_request_count"), inc("tgi_request_failure")},
	},
}

// tgiDurationBuckets are computed as router/src/server.rs computes them:
// value = 0.0001, then 35 times value *= 1.5 and push, in float64.
var tgiDurationBuckets = func() []float64 {
	out := make([]float64, 0, 35)
	v := 0.0001
	for range 35 {
		v *= 1.5
		out = append(out, v)
	}
	return out
}()
