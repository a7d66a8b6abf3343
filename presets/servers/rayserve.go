package servers

import "github.com/dataopsgen/dataopsgen/presets"

// Ray Serve's proxy metrics are defined in ray-project/ray
// python/ray/serve/_private/proxy.py (serve_num_http_requests{route, method,
// application, status_code}, serve_num_http_error_requests{route,
// error_code, method, application} — every status but 2xx and 3xx —,
// serve_http_request_latency_ms{route, application, method, status_code}
// with boundaries DEFAULT_LATENCY_BUCKET_MS of
// python/ray/serve/_private/constants.py) and exported by each Ray node's
// metrics agent with the ray_ prefix and _total on counters, as
// python/ray/serve/tests/test_metrics.py reads them. Ray's agent adds its
// global tags (SessionName, ...), hence open label sets.
const (
	rayProxy     = "ray-project/ray python/ray/serve/_private/proxy.py; python/ray/serve/tests/test_metrics.py"
	rayConstants = "ray-project/ray python/ray/serve/_private/constants.py (DEFAULT_LATENCY_BUCKET_MS)"
)

// RayServe is Ray Serve (on KubeRay: a RayService or RayCluster).
var RayServe = presets.Server{
	Name:     "rayserve",
	Title:    "Ray Serve",
	Versions: "Ray 2.x with applications (route, application labels; checked at master)",
	Source:   "github.com/ray-project/ray",
	// KubeRay exposes each node's metrics agent on the container port
	// named "metrics" (8080): ray-project/kuberay
	// ray-operator/controllers/ray/utils/constant.go (MetricsPortName,
	// DefaultMetricsPort).
	Metrics: presets.Endpoint{PortName: "metrics", Path: "/metrics",
		Source: "ray-project/kuberay ray-operator/controllers/ray/utils/constant.go (MetricsPortName \"metrics\", DefaultMetricsPort 8080)"},
	// A Serve application (serve.run(..., name=)): the unit a route serves.
	ModelLabel: "application",
	Families: []presets.Family{
		{Name: "ray_serve_num_http_requests_total", Type: presets.TypeCounter, Unit: presets.Requests, ModelLabel: true, OpenLabels: true, Lazy: true,
			Labels: []presets.Label{l("route", "/"), l("method", "POST"), l("status_code", "200")}, Source: rayProxy},
		{Name: "ray_serve_num_http_error_requests_total", Type: presets.TypeCounter, Unit: presets.Requests, ModelLabel: true, OpenLabels: true, Lazy: true,
			Labels: []presets.Label{l("route", "/"), l("error_code", "500"), l("method", "POST")}, Source: rayProxy},
		// DEFAULT_LATENCY_BUCKET_MS at master is 1, 2, 5, 10, 20, 50, 100,
		// 200, 300, 400, 500, 1000, 2000, 5000, 10000, 60000, 120000,
		// 300000, 600000 (RAY_SERVE_REQUEST_LATENCY_BUCKET_MS overrides it);
		// earlier 2.x had 1 ... 5000 without 300 and 400: the bounds both have.
		{Name: "ray_serve_http_request_latency_ms", Type: presets.TypeHistogram, Unit: presets.Milliseconds, ModelLabel: true, OpenLabels: true, Lazy: true,
			Labels:  []presets.Label{l("route", "/"), l("method", "POST"), l("status_code", "200")},
			Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000}, Source: rayProxy + "; " + rayConstants},
	},
	Throughput: one("ray_serve_num_http_requests_total"),
	// ray_serve_num_http_error_requests_total also counts 4xx (the client's
	// fault): the requests counter's status_code tells 5xx apart.
	Errors: &presets.ErrorRatio{
		Failed: one("ray_serve_num_http_requests_total", re("status_code", "5..")),
		Total:  one("ray_serve_num_http_requests_total"),
		What:   "were answered with an HTTP 5xx by the Serve proxy",
	},
	Latency: &presets.Latency{Histogram: &presets.Histogram{Family: "ray_serve_http_request_latency_ms"}},
	Requests: presets.RequestEffects{
		OK: []presets.Increment{inc("ray_serve_num_http_requests_total")},
		Failed: []presets.Increment{
			inc("ray_serve_num_http_requests_total", l("status_code", "500")),
			inc("ray_serve_num_http_error_requests_total"),
		},
	},
	LatencyAlert: true,
}
