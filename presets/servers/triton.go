package servers

import "github.com/dataopsgen/dataopsgen/presets"

// Triton's families are registered in triton-inference-server/core
// src/metrics.cc (Metrics::Metrics), their per-model series created when a
// model loads by MetricModelReporter (src/metric_model_reporter.cc:
// InitializeCounters, InitializeGauges) with the labels of GetMetricLabels:
// "model", "version" (src/constants.h kMetricsLabelModelName,
// kMetricsLabelModelVersion), "gpu_uuid" for a model instance on a GPU, and
// "namespace" only when model namespacing is on (it then collides with the
// target's namespace label and Prometheus renames it exported_namespace).
// Read at core 73aad7c (server 2.73.0dev). prometheus-cpp adds no suffix.
const (
	tritonMetrics  = "triton-inference-server/core src/metrics.cc"
	tritonReporter = "triton-inference-server/core src/metric_model_reporter.cc"
)

var tritonModel = []presets.Label{l("version", "1"), l("gpu_uuid", "GPU-5e6c3ef5-1c5b-4a74-9e4d-2f4c1b9a0d31")}

// Triton is NVIDIA Triton Inference Server.
var Triton = presets.Server{
	Name:     "triton",
	Title:    "Triton Inference Server",
	Versions: "Triton 2.x, 23.04 and later (--metrics-config; checked at core 73aad7c, server 2.73.0dev)",
	Source:   "github.com/triton-inference-server/core",
	Metrics: presets.Endpoint{Port: 8002, Path: "/metrics",
		Source: "triton-inference-server/server src/command_line_parser.h (metrics_port_{8002})"},
	ModelLabel: "model",
	Families: []presets.Family{
		{Name: "nv_inference_request_success", Type: presets.TypeCounter, Unit: presets.Requests, ModelLabel: true, Labels: tritonModel, Source: tritonMetrics},
		// One series per reason, created at load: REJECTED, CANCELED,
		// BACKEND, OTHER (failure_reasons_map, src/metric_model_reporter.cc).
		{Name: "nv_inference_request_failure", Type: presets.TypeCounter, Unit: presets.Requests, ModelLabel: true,
			Labels: append(tritonModelCopy(), l("reason", "BACKEND")), Source: tritonMetrics + "; " + tritonReporter},
		{Name: "nv_inference_count", Type: presets.TypeCounter, Unit: presets.Count, ModelLabel: true, Labels: tritonModel, Source: tritonMetrics},
		{Name: "nv_inference_exec_count", Type: presets.TypeCounter, Unit: presets.Count, ModelLabel: true, Labels: tritonModel, Source: tritonMetrics},
		// "Cumulative inference request duration in microseconds": counters,
		// added to on each success (InferenceStatsAggregator::UpdateSuccess,
		// src/infer_stats.cc); on by default (counter_latencies=true).
		{Name: "nv_inference_request_duration_us", Type: presets.TypeCounter, Unit: presets.Microseconds, ModelLabel: true, Labels: tritonModel, Source: tritonMetrics},
		{Name: "nv_inference_queue_duration_us", Type: presets.TypeCounter, Unit: presets.Microseconds, ModelLabel: true, Labels: tritonModel, Source: tritonMetrics},
		{Name: "nv_inference_compute_input_duration_us", Type: presets.TypeCounter, Unit: presets.Microseconds, ModelLabel: true, Labels: tritonModel, Source: tritonMetrics},
		{Name: "nv_inference_compute_infer_duration_us", Type: presets.TypeCounter, Unit: presets.Microseconds, ModelLabel: true, Labels: tritonModel, Source: tritonMetrics},
		{Name: "nv_inference_compute_output_duration_us", Type: presets.TypeCounter, Unit: presets.Microseconds, ModelLabel: true, Labels: tritonModel, Source: tritonMetrics},
		// "Instantaneous number of pending requests awaiting execution per-model."
		{Name: "nv_inference_pending_request_count", Type: presets.TypeGauge, Unit: presets.Requests, ModelLabel: true, Labels: tritonModel, Source: tritonMetrics},
		// Only with --metrics-config histogram_latencies=true; buckets
		// per model config (docs/user_guide/metrics.md: 100, 500, 2000, 5000
		// by default).
		{Name: "nv_inference_first_response_histogram_ms", Type: presets.TypeHistogram, Unit: presets.Milliseconds, ModelLabel: true, Labels: tritonModel, Source: tritonMetrics},
	},
	Throughput: tritonRequests,
	Errors: &presets.ErrorRatio{
		Failed: one("nv_inference_request_failure"),
		Total:  tritonRequests,
		What:   "failed (nv_inference_request_failure, any reason)",
	},
	Latency: &presets.Latency{
		Sum:   &presets.Selector{Family: "nv_inference_request_duration_us"},
		Count: &presets.Selector{Family: "nv_inference_request_success"},
		Why: "Triton exports its request durations as cumulative counters of microseconds (nv_inference_request_duration_us, " +
			"triton-inference-server/core src/metrics.cc), not as a histogram: no percentile can be computed from them. " +
			"HighInferenceLatency alerts on the average instead (the rate of the duration over the rate of successful requests, µs converted to seconds)",
	},
	Queue: &presets.Gauge{Family: "nv_inference_pending_request_count", Aggregate: "sum"},
	Requests: presets.RequestEffects{
		OK:     []presets.Increment{inc("nv_inference_request_success"), inc("nv_inference_count"), inc("nv_inference_exec_count")},
		Failed: []presets.Increment{inc("nv_inference_request_failure")},
	},
	LatencyAlert: true,
}

var tritonRequests = presets.Counter{{Family: "nv_inference_request_success"}, {Family: "nv_inference_request_failure"}}

func tritonModelCopy() []presets.Label { return append([]presets.Label(nil), tritonModel...) }
