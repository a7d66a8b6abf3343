package servers

import "github.com/dataopsgen/dataopsgen/presets"

// NIM's source is not public: the metric table of "Observability for NVIDIA
// NIM for LLMs" (docs.nvidia.com/nim/large-language-models/latest/observability.html)
// is the source of every name here. It gives names, types and units, "per
// model" granularity, and neither the label set nor histogram buckets: the
// families' labels are open and their buckets unknown.
const nimDocs = "docs.nvidia.com/nim/large-language-models/latest/observability.html"

func nimFamily(name string, t presets.Type, u presets.Unit) presets.Family {
	return presets.Family{Name: name, Type: t, Unit: u, ModelLabel: true, OpenLabels: true, Source: nimDocs}
}

// NIM is an NVIDIA NIM for LLMs container.
var NIM = presets.Server{
	Name:     "nim",
	Title:    "NVIDIA NIM for LLMs",
	Versions: "NIM for LLMs 1.x (the metric table of the observability page)",
	Source:   "docs.nvidia.com/nim/large-language-models",
	// "By default, these metrics are available at http://localhost:8000/v1/metrics."
	Metrics:    presets.Endpoint{Port: 8000, Path: "/v1/metrics", Source: nimDocs},
	ModelLabel: "model_name",
	Families: []presets.Family{
		nimFamily("num_requests_running", presets.TypeGauge, presets.Requests),
		nimFamily("num_requests_waiting", presets.TypeGauge, presets.Requests),
		nimFamily("num_request_max", presets.TypeGauge, presets.Requests),
		// "GPU KV-cache usage. 1 means 100 percent usage"
		nimFamily("gpu_cache_usage_perc", presets.TypeGauge, presets.Ratio),
		nimFamily("prompt_tokens_total", presets.TypeCounter, presets.Tokens),
		nimFamily("generation_tokens_total", presets.TypeCounter, presets.Tokens),
		nimFamily("time_to_first_token_seconds", presets.TypeHistogram, presets.Seconds),
		nimFamily("time_per_output_token_seconds", presets.TypeHistogram, presets.Seconds),
		nimFamily("e2e_request_latency_seconds", presets.TypeHistogram, presets.Seconds),
		nimFamily("request_prompt_tokens", presets.TypeHistogram, presets.Tokens),
		nimFamily("request_generation_tokens", presets.TypeHistogram, presets.Tokens),
	},
	Throughput:       count("e2e_request_latency_seconds"),
	NoErrors:         "NIM's metric table (" + nimDocs + ") lists no failure counter, so no error ratio can be derived",
	Latency:          &presets.Latency{Histogram: &presets.Histogram{Family: "e2e_request_latency_seconds"}},
	TTFT:             &presets.Histogram{Family: "time_to_first_token_seconds"},
	TPOT:             &presets.Histogram{Family: "time_per_output_token_seconds"},
	Queue:            &presets.Gauge{Family: "num_requests_waiting", Aggregate: "sum"},
	KVCache:          &presets.Gauge{Family: "gpu_cache_usage_perc", Aggregate: "max"},
	PromptTokens:     one("prompt_tokens_total"),
	GenerationTokens: one("generation_tokens_total"),
}
