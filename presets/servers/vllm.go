package servers

import "github.com/dataopsgen/dataopsgen/presets"

// vLLM's engine metrics are created by PrometheusStatLogger in
// vllm-project/vllm vllm/v1/metrics/loggers.py with labelnames
// ["model_name", "engine"] (engine: the index of the engine core, one per
// data-parallel rank) and created for every engine at start-up
// (make_per_engine). Bucket lists are in vllm/v1/metrics/buckets.py
// (DEFAULT_BUCKETS), both read at commit 3168f58. prometheus_client adds
// _total to counters.
const (
	vllmLoggers = "vllm-project/vllm vllm/v1/metrics/loggers.py (PrometheusStatLogger)"
	vllmBuckets = "vllm-project/vllm vllm/v1/metrics/buckets.py (DEFAULT_BUCKETS)"
	// The OpenAI-compatible server instruments its FastAPI app with
	// prometheus-fastapi-instrumentator: Instrumentator(excluded_handlers=
	// ["/metrics", "/health", "/load", "/ping", "/version", "/server_info"]).add()
	// in vllm/entrypoints/serve/instrumentator/metrics.py (attach_router;
	// mount_metrics in vllm/entrypoints/openai/api_server.py before), whose
	// default metrics (trallnag/prometheus-fastapi-instrumentator
	// src/prometheus_fastapi_instrumentator/metrics.py, default()) are
	// http_requests_total{method,status,handler} with status grouped as
	// "2xx", "5xx" (Instrumentator(should_group_status_codes=True),
	// instrumentation.py) and http_request_duration_seconds{method,handler}.
	vllmHTTP = "vllm-project/vllm vllm/entrypoints/serve/instrumentator/metrics.py; trallnag/prometheus-fastapi-instrumentator src/prometheus_fastapi_instrumentator/metrics.py (default)"
)

var vllmEngine = []presets.Label{l("engine", exampleEngine)}

// VLLM is vLLM's OpenAI-compatible server (`vllm serve`).
var VLLM = presets.Server{
	Name:  "vllm",
	Title: "vLLM",
	// vllm:inter_token_latency_seconds replaced vllm:time_per_output_token_seconds
	// in 0.11 ("Deprecated in 0.11 - Renamed as vllm:inter_token_latency_seconds",
	// loggers.py); vllm:kv_cache_usage_perc replaced vllm:gpu_cache_usage_perc in 0.9.
	Versions: "vLLM 0.11 and later (V1 engine; checked at main 3168f58)",
	Source:   "github.com/vllm-project/vllm",
	Metrics: presets.Endpoint{Port: 8000, Path: "/metrics",
		Source: "vllm serve --port (default 8000, vllm/entrypoints/openai/cli_args.py); /metrics mounted by attach_router, " + vllmHTTP},
	ModelLabel: "model_name", // labelnames = ["model_name", "engine"], value: --served-model-name
	Families: []presets.Family{
		{Name: "vllm:num_requests_running", Type: presets.TypeGauge, Unit: presets.Requests, ModelLabel: true, Labels: vllmEngine, Source: vllmLoggers},
		{Name: "vllm:num_requests_waiting", Type: presets.TypeGauge, Unit: presets.Requests, ModelLabel: true, Labels: vllmEngine, Source: vllmLoggers},
		// "KV-cache usage. 1 means 100 percent usage."
		{Name: "vllm:kv_cache_usage_perc", Type: presets.TypeGauge, Unit: presets.Ratio, ModelLabel: true, Labels: vllmEngine, Source: vllmLoggers},
		{Name: "vllm:num_preemptions_total", Type: presets.TypeCounter, Unit: presets.Requests, ModelLabel: true, Labels: vllmEngine, Source: vllmLoggers},
		{Name: "vllm:prompt_tokens_total", Type: presets.TypeCounter, Unit: presets.Tokens, ModelLabel: true, Labels: vllmEngine, Source: vllmLoggers},
		{Name: "vllm:generation_tokens_total", Type: presets.TypeCounter, Unit: presets.Tokens, ModelLabel: true, Labels: vllmEngine, Source: vllmLoggers},
		// labelnames + ["finished_reason"], one series per FinishReason
		// created at start-up; the reasons are FINISH_REASON_STRINGS of
		// vllm/v1/engine/__init__.py ("stop", "length", "abort", and "error",
		// "repetition" in recent versions).
		{Name: "vllm:request_success_total", Type: presets.TypeCounter, Unit: presets.Requests, ModelLabel: true,
			Labels: []presets.Label{l("engine", exampleEngine), l("finished_reason", "stop")}, Source: vllmLoggers},
		// PREFILL_LATENCY.
		{Name: "vllm:time_to_first_token_seconds", Type: presets.TypeHistogram, Unit: presets.Seconds, ModelLabel: true, Labels: vllmEngine,
			Buckets: []float64{0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560},
			Source:  vllmLoggers + "; " + vllmBuckets},
		// TOKEN_STEP_LATENCY.
		{Name: "vllm:inter_token_latency_seconds", Type: presets.TypeHistogram, Unit: presets.Seconds, ModelLabel: true, Labels: vllmEngine,
			Buckets: []float64{0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80},
			Source:  vllmLoggers + "; " + vllmBuckets},
		// ACCUMULATED_PHASE_LATENCY is (0.1, 0.2, 0.3, 0.5, 0.8, 1, ...) at
		// main; 0.11's request_latency_buckets started at 0.3: the bounds
		// both have.
		{Name: "vllm:e2e_request_latency_seconds", Type: presets.TypeHistogram, Unit: presets.Seconds, ModelLabel: true, Labels: vllmEngine,
			Buckets: vllmPhaseBuckets, Source: vllmLoggers + "; " + vllmBuckets},
		{Name: "vllm:request_queue_time_seconds", Type: presets.TypeHistogram, Unit: presets.Seconds, ModelLabel: true, Labels: vllmEngine,
			Buckets: vllmPhaseBuckets, Source: vllmLoggers + "; " + vllmBuckets},
		// The API server's requests, without a model label (one server
		// process serves one model). A status's series appears with its
		// first response.
		{Name: "http_requests_total", Type: presets.TypeCounter, Unit: presets.Requests, Lazy: true,
			Labels: []presets.Label{l("method", "POST"), l("status", "2xx"), l("handler", "/v1/chat/completions")}, Source: vllmHTTP},
		{Name: "http_request_duration_seconds", Type: presets.TypeHistogram, Unit: presets.Seconds, Lazy: true,
			Labels: []presets.Label{l("method", "POST"), l("handler", "/v1/chat/completions")}, Buckets: []float64{0.1, 0.5, 1}, Source: vllmHTTP},
	},
	Throughput: one("vllm:request_success_total"),
	// The engine's finish reasons say nothing of failed HTTP requests (a
	// request rejected before the engine never finishes there); every
	// request error reaches the client as a 5xx of the API server.
	Errors: &presets.ErrorRatio{
		Failed: one("http_requests_total", eq("status", "5xx")),
		Total:  one("http_requests_total"),
		What:   "were answered with an HTTP 5xx by the API server",
	},
	Latency: &presets.Latency{Histogram: &presets.Histogram{Family: "vllm:e2e_request_latency_seconds"}},
	TTFT:    &presets.Histogram{Family: "vllm:time_to_first_token_seconds"},
	TPOT:    &presets.Histogram{Family: "vllm:inter_token_latency_seconds"},
	// One series per engine: the waiting requests of a pod add up.
	Queue:            &presets.Gauge{Family: "vllm:num_requests_waiting", Aggregate: "sum"},
	KVCache:          &presets.Gauge{Family: "vllm:kv_cache_usage_perc", Aggregate: "max"},
	Preemptions:      one("vllm:num_preemptions_total"),
	PromptTokens:     one("vllm:prompt_tokens_total"),
	GenerationTokens: one("vllm:generation_tokens_total"),
	Requests: presets.RequestEffects{
		OK:     []presets.Increment{inc("http_requests_total"), inc("vllm:request_success_total")},
		Failed: []presets.Increment{inc("http_requests_total", l("status", "5xx"))},
	},
}

var vllmPhaseBuckets = []float64{0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680}
