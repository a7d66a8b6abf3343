package servers

import "github.com/dataopsgen/dataopsgen/presets"

// TorchServe's frontend metrics are declared in pytorch/serve
// ts/configs/metrics.yaml (ts_metrics) and exported in metrics_mode
// prometheus by the Java frontend with Prometheus simpleclient 0.9.0
// (frontend/server/build.gradle, frontend/gradle.properties), which keeps a
// counter's name as declared (no _total added): the label names are the
// yaml's dimensions. ts_inference_requests_total is counted when a request
// arrives (frontend/server/src/main/java/org/pytorch/serve/http/api/rest/
// InferenceRequestHandler.java), ts_inference_latency_microseconds when a
// response is sent (.../job/RestJob.java), RequestsNXX by HTTP status for
// every response of the frontend (.../util/NettyUtils.java). Series appear
// with their first count. Read at 62c4d6a (0.12.0).
const (
	torchserveMetrics = "pytorch/serve ts/configs/metrics.yaml; frontend/server/src/main/java/org/pytorch/serve/metrics/format/prometheous/PrometheusCounter.java"
	torchserveStatus  = "pytorch/serve frontend/server/src/main/java/org/pytorch/serve/util/NettyUtils.java"
)

var (
	torchserveModel = []presets.Label{l("model_version", "default"), l("hostname", "torchserve-0")}
	torchserveHost  = []presets.Label{l("Level", "Host"), l("Hostname", "torchserve-0")}
)

// TorchServe is PyTorch's TorchServe (limited maintenance since 2025).
var TorchServe = presets.Server{
	Name:     "torchserve",
	Title:    "TorchServe",
	Versions: "TorchServe 0.8 to 0.12 (metrics_mode prometheus; checked at 62c4d6a, 0.12.0)",
	Source:   "github.com/pytorch/serve",
	Metrics: presets.Endpoint{Port: 8082, Path: "/metrics",
		Source: "pytorch/serve frontend/server/src/main/java/org/pytorch/serve/util/ConfigManager.java (metrics_address http://127.0.0.1:8082)"},
	Setup: []string{
		"metrics_mode=prometheus in config.properties or TS_METRICS_MODE=prometheus (the default, log, serves no metrics: docs/metrics.md)",
		"metrics_address=http://0.0.0.0:8082 in config.properties (the default listens on 127.0.0.1 only)",
	},
	ModelLabel: "model_name",
	Families: []presets.Family{
		{Name: "ts_inference_requests_total", Type: presets.TypeCounter, Unit: presets.Requests, ModelLabel: true, Lazy: true, Labels: torchserveModel, Source: torchserveMetrics},
		{Name: "ts_inference_latency_microseconds", Type: presets.TypeCounter, Unit: presets.Microseconds, ModelLabel: true, Lazy: true, Labels: torchserveModel, Source: torchserveMetrics},
		{Name: "ts_queue_latency_microseconds", Type: presets.TypeCounter, Unit: presets.Microseconds, ModelLabel: true, Lazy: true, Labels: torchserveModel, Source: torchserveMetrics},
		{Name: "Requests2XX", Type: presets.TypeCounter, Unit: presets.Requests, Lazy: true, Labels: torchserveHost, Source: torchserveMetrics + "; " + torchserveStatus},
		{Name: "Requests4XX", Type: presets.TypeCounter, Unit: presets.Requests, Lazy: true, Labels: torchserveHost, Source: torchserveMetrics + "; " + torchserveStatus},
		{Name: "Requests5XX", Type: presets.TypeCounter, Unit: presets.Requests, Lazy: true, Labels: torchserveHost, Source: torchserveMetrics + "; " + torchserveStatus},
	},
	Throughput: one("ts_inference_requests_total"),
	// Only the HTTP status counters know failures; they carry no model
	// label and count every API of the frontend.
	Errors: &presets.ErrorRatio{
		Failed: one("Requests5XX"),
		Total:  presets.Counter{{Family: "Requests2XX"}, {Family: "Requests4XX"}, {Family: "Requests5XX"}},
		What:   "were answered with an HTTP 5xx by the frontend (any of its APIs: it counts no status per model)",
	},
	Latency: &presets.Latency{
		Sum:   &presets.Selector{Family: "ts_inference_latency_microseconds"},
		Count: &presets.Selector{Family: "ts_inference_requests_total"},
		Why: "TorchServe exports its inference latency as a cumulative counter of microseconds (ts_inference_latency_microseconds, " +
			"pytorch/serve ts/configs/metrics.yaml), not as a histogram: no percentile can be computed from it. " +
			"HighInferenceLatency alerts on the average instead (the rate of the latency over the rate of ts_inference_requests_total, µs converted to seconds)",
	},
	Requests: presets.RequestEffects{
		OK:     []presets.Increment{inc("ts_inference_requests_total"), inc("Requests2XX")},
		Failed: []presets.Increment{inc("ts_inference_requests_total"), inc("Requests5XX")},
	},
	LatencyAlert: true,
}
