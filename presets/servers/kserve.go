package servers

import "github.com/dataopsgen/dataopsgen/presets"

// KServe's Python model server (kserve.ModelServer) defines four latency
// histograms with PROM_LABELS = ["model_name"] and prometheus_client's
// default buckets in kserve/kserve python/kserve/kserve/metrics.py, and
// serves prometheus_client's REGISTRY on /metrics of its HTTP port
// (python/kserve/kserve/protocol/rest/server.py). A model's series appear
// with its first request. Read at aaac4e2.
const kserveMetrics = "kserve/kserve python/kserve/kserve/metrics.py"

var kserveHistogram = func(name string) presets.Family {
	return presets.Family{Name: name, Type: presets.TypeHistogram, Unit: presets.Seconds, ModelLabel: true, Lazy: true,
		Buckets: prometheusClientDefaultBuckets, Source: kserveMetrics}
}

// KServe is KServe's Python model server, the runtime of its
// InferenceServices' predictors (sklearn, xgboost, lightgbm, huggingface,
// custom kserve.Model).
var KServe = presets.Server{
	Name:     "kserve",
	Title:    "KServe model server",
	Versions: "KServe 0.11 and later, Python model server (checked at aaac4e2)",
	Source:   "github.com/kserve/kserve",
	// The model server's --http_port defaults to 8080
	// (python/kserve/kserve/model_server.py). The job scrapes the
	// kserve-container's own port, so KServe's pod annotations
	// (serving.kserve.io/enable-prometheus-scraping,
	// serving.kserve.io/enable-metric-aggregation, prometheus.kserve.io/port,
	// pkg/constants/constants.go, read by
	// pkg/webhook/admission/pod/metrics_aggregate_injector.go), which point an
	// annotation-based scraper at the queue-proxy, are not needed.
	Metrics: presets.Endpoint{Port: 8080, Path: "/metrics",
		Source: "kserve/kserve python/kserve/kserve/model_server.py (--http_port 8080), python/kserve/kserve/protocol/rest/server.py (/metrics)"},
	ModelLabel: "model_name",
	Families: []presets.Family{
		kserveHistogram("request_predict_seconds"),
		kserveHistogram("request_preprocess_seconds"),
		kserveHistogram("request_postprocess_seconds"),
		kserveHistogram("request_explain_seconds"),
	},
	Throughput: count("request_predict_seconds"),
	NoErrors: "KServe's model server exports latency histograms only (python/kserve/kserve/metrics.py): no request status and no failure counter, " +
		"so no error ratio can be derived",
	Latency:      &presets.Latency{Histogram: &presets.Histogram{Family: "request_predict_seconds"}},
	LatencyAlert: true,
}
