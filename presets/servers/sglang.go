package servers

import "github.com/dataopsgen/dataopsgen/presets"

// SGLang's metrics are defined in sgl-project/sglang
// python/sglang/srt/metrics/collector.py: TokenizerMetricsCollector (request
// counters and latency histograms, default buckets there) and
// SchedulerMetricsCollector (gauges). Their labels are built in
// python/sglang/srt/managers/tokenizer_manager.py ({"model_name":
// served_model_name, "engine_type": ...}, plus "priority" and user-allowed
// custom labels when configured) and python/sglang/srt/managers/scheduler.py
// (model_name, engine_type, tp_rank, pp_rank, and dp_rank/moe_ep_rank where
// they apply). Read at 00ae9c1.
const sglangCollector = "sgl-project/sglang python/sglang/srt/metrics/collector.py"

var (
	sglangTokenizer = []presets.Label{l("engine_type", "unified")}
	sglangScheduler = []presets.Label{l("engine_type", "unified"), l("tp_rank", "0"), l("pp_rank", "0")}
)

// SGLang is the SGLang runtime's server (python -m sglang.launch_server).
var SGLang = presets.Server{
	Name:     "sglang",
	Title:    "SGLang",
	Versions: "SGLang 0.4 and later (checked at 00ae9c1)",
	Source:   "github.com/sgl-project/sglang",
	// ServerArgs.port defaults to 30000 (python/sglang/srt/server_args.py);
	// /metrics is served by the HTTP server when metrics are enabled.
	Metrics: presets.Endpoint{Port: 30000, Path: "/metrics", Source: "sgl-project/sglang python/sglang/srt/server_args.py (port 30000)"},
	Setup:   []string{"--enable-metrics (ServerArgs.enable_metrics is off by default, python/sglang/srt/server_args.py)"},
	// served_model_name.
	ModelLabel: "model_name",
	Families: []presets.Family{
		// Finished requests (observe_one_finished_request).
		{Name: "sglang:num_requests_total", Type: presets.TypeCounter, Unit: presets.Requests, ModelLabel: true, OpenLabels: true, Labels: sglangTokenizer, Source: sglangCollector},
		// Counted by TokenizerManager.abort_request: client disconnects and
		// the /abort_request API.
		{Name: "sglang:num_aborted_requests_total", Type: presets.TypeCounter, Unit: presets.Requests, ModelLabel: true, OpenLabels: true, Labels: sglangTokenizer, Source: sglangCollector},
		{Name: "sglang:prompt_tokens_total", Type: presets.TypeCounter, Unit: presets.Tokens, ModelLabel: true, OpenLabels: true, Labels: sglangTokenizer, Source: sglangCollector},
		{Name: "sglang:generation_tokens_total", Type: presets.TypeCounter, Unit: presets.Tokens, ModelLabel: true, OpenLabels: true, Labels: sglangTokenizer, Source: sglangCollector},
		{Name: "sglang:time_to_first_token_seconds", Type: presets.TypeHistogram, Unit: presets.Seconds, ModelLabel: true, OpenLabels: true, Labels: sglangTokenizer,
			Buckets: []float64{0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400}, Source: sglangCollector},
		{Name: "sglang:inter_token_latency_seconds", Type: presets.TypeHistogram, Unit: presets.Seconds, ModelLabel: true, OpenLabels: true, Labels: sglangTokenizer,
			Buckets: []float64{0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.06, 0.08, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8}, Source: sglangCollector},
		{Name: "sglang:e2e_request_latency_seconds", Type: presets.TypeHistogram, Unit: presets.Seconds, ModelLabel: true, OpenLabels: true, Labels: sglangTokenizer,
			Buckets: []float64{0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400, 600, 1200, 1800, 2400}, Source: sglangCollector},
		{Name: "sglang:num_running_reqs", Type: presets.TypeGauge, Unit: presets.Requests, ModelLabel: true, OpenLabels: true, Labels: sglangScheduler, Source: sglangCollector},
		// "The number of requests in the waiting queue."
		{Name: "sglang:num_queue_reqs", Type: presets.TypeGauge, Unit: presets.Requests, ModelLabel: true, OpenLabels: true, Labels: sglangScheduler, Source: sglangCollector},
		// Used tokens over the KV cache pool's size.
		{Name: "sglang:token_usage", Type: presets.TypeGauge, Unit: presets.Ratio, ModelLabel: true, OpenLabels: true, Labels: sglangScheduler, Source: sglangCollector},
		{Name: "sglang:gen_throughput", Type: presets.TypeGauge, Unit: presets.Tokens, ModelLabel: true, OpenLabels: true, Labels: sglangScheduler, Source: sglangCollector},
	},
	Throughput: one("sglang:num_requests_total"),
	NoErrors: "SGLang counts aborted requests (sglang:num_aborted_requests_total, counted by TokenizerManager.abort_request: client disconnects " +
		"and the abort API, python/sglang/srt/managers/tokenizer_manager.py) but no server-side failures, so no error ratio can be derived",
	Latency: &presets.Latency{Histogram: &presets.Histogram{Family: "sglang:e2e_request_latency_seconds"}},
	TTFT:    &presets.Histogram{Family: "sglang:time_to_first_token_seconds"},
	TPOT:    &presets.Histogram{Family: "sglang:inter_token_latency_seconds"},
	// Scheduler gauges are per rank; ranks of one scheduler group repeat
	// the same queue: the largest is the pod's.
	Queue:            &presets.Gauge{Family: "sglang:num_queue_reqs", Aggregate: "max"},
	KVCache:          &presets.Gauge{Family: "sglang:token_usage", Aggregate: "max"},
	PromptTokens:     one("sglang:prompt_tokens_total"),
	GenerationTokens: one("sglang:generation_tokens_total"),
	Requests: presets.RequestEffects{
		OK: []presets.Increment{inc("sglang:num_requests_total")},
	},
}
