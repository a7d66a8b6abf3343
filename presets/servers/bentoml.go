package servers

import "github.com/dataopsgen/dataopsgen/presets"

// BentoML's services (the 1.2+ @bentoml.service API) are served by
// src/_bentoml_impl/server/app.py, which installs
// RunnerTrafficMetricsMiddleware (bentoml/BentoML
// src/bentoml/_internal/server/http/instruments.py) with the namespace of
// api_server.metrics.namespace, "bentoml_service" by default
// (src/bentoml/_internal/configuration/v2/default_configuration.yaml).
// Labels: endpoint, service_name (the bento's name), service_version,
// http_response_code, runner_name (the service's name); the request
// counter is created at start-up for codes 200 and 500 of every endpoint.
// Duration buckets: DEFAULT_BUCKET of src/bentoml/_internal/utils/metrics.py
// unless api_server.metrics.duration sets others. Read at 32230a5.
const (
	bentomlInstruments = "bentoml/BentoML src/bentoml/_internal/server/http/instruments.py (RunnerTrafficMetricsMiddleware)"
	bentomlBuckets     = "bentoml/BentoML src/bentoml/_internal/utils/metrics.py (DEFAULT_BUCKET)"
)

var bentomlLabels = []presets.Label{
	l("endpoint", "/summarize"), l("service_name", "summarization"), l("service_version", "not available"), l("http_response_code", "200"),
}

// BentoML is a BentoML service (bentoml serve).
var BentoML = presets.Server{
	Name:     "bentoml",
	Title:    "BentoML",
	Versions: "BentoML 1.2 and later (@bentoml.service; checked at 32230a5)",
	Source:   "github.com/bentoml/BentoML",
	Metrics: presets.Endpoint{Port: 3000, Path: "/metrics",
		Source: "bentoml/BentoML src/bentoml/_internal/configuration/v2/default_configuration.yaml (http port: 3000, metrics enabled)"},
	// runner_name is the service's name (server_context.service_name,
	// src/_bentoml_impl/worker/service.py): one per @bentoml.service of a
	// bento, where service_name is the bento's.
	ModelLabel: "runner_name",
	Families: []presets.Family{
		{Name: "bentoml_service_request_total", Type: presets.TypeCounter, Unit: presets.Requests, ModelLabel: true, Labels: bentomlLabels, Source: bentomlInstruments},
		{Name: "bentoml_service_request_duration_seconds", Type: presets.TypeHistogram, Unit: presets.Seconds, ModelLabel: true, Lazy: true, Labels: bentomlLabels,
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 180}, Source: bentomlInstruments + "; " + bentomlBuckets},
		{Name: "bentoml_service_request_in_progress", Type: presets.TypeGauge, Unit: presets.Requests, ModelLabel: true,
			Labels: bentomlLabels[:3], Source: bentomlInstruments},
	},
	Throughput: one("bentoml_service_request_total"),
	Errors: &presets.ErrorRatio{
		Failed: one("bentoml_service_request_total", re("http_response_code", "5..")),
		Total:  one("bentoml_service_request_total"),
		What:   "were answered with an HTTP 5xx",
	},
	Latency: &presets.Latency{Histogram: &presets.Histogram{Family: "bentoml_service_request_duration_seconds"}},
	Requests: presets.RequestEffects{
		OK:     []presets.Increment{inc("bentoml_service_request_total")},
		Failed: []presets.Increment{inc("bentoml_service_request_total", l("http_response_code", "500"))},
	},
	LatencyAlert: true,
}
