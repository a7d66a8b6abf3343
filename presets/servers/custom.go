package servers

import (
	"strconv"

	"github.com/dataopsgen/dataopsgen/presets"
)

// CustomNames are the metric and label names of a custom server, as the
// spec gives them (workloads.<name>.inference: requestsMetric,
// latencyMetric, modelLabel, statusLabel, errorStatus). Their defaults are
// the seed tutorial's prometheus_client code.
type CustomNames struct {
	RequestsMetric, LatencyMetric, ModelLabel, StatusLabel, ErrorStatus string
}

// Custom is the preset of an application exporting a request counter with
// a status label and a latency histogram in seconds, under the given
// names: dataopsgen's behaviour before presets, and the default. Its
// histogram's buckets are the application's (unknown here).
func Custom(n CustomNames) *presets.Server {
	// The status a successful request carries in the generated tests: any
	// value but the error status.
	ok := "ok"
	if n.ErrorStatus == ok {
		ok = "success"
	}
	return &presets.Server{
		Name:       presets.CustomName,
		Title:      "custom",
		Metrics:    presets.Endpoint{PortName: "metrics", Path: "/metrics"},
		ModelLabel: n.ModelLabel,
		Families: []presets.Family{
			{Name: n.RequestsMetric, Type: presets.TypeCounter, Unit: presets.Requests, ModelLabel: true,
				Labels: []presets.Label{l(n.StatusLabel, ok)}, Source: "the application", Declared: "requestsMetric"},
			{Name: n.LatencyMetric, Type: presets.TypeHistogram, Unit: presets.Seconds, ModelLabel: true,
				Source: "the application", Declared: "latencyMetric"},
		},
		Throughput: one(n.RequestsMetric),
		Errors: &presets.ErrorRatio{
			Failed: one(n.RequestsMetric, eq(n.StatusLabel, n.ErrorStatus)),
			Total:  one(n.RequestsMetric),
			What:   "ended with " + n.StatusLabel + "=" + strconv.Quote(n.ErrorStatus),
		},
		Latency: &presets.Latency{Histogram: &presets.Histogram{Family: n.LatencyMetric}},
		Requests: presets.RequestEffects{
			OK:     []presets.Increment{inc(n.RequestsMetric)},
			Failed: []presets.Increment{inc(n.RequestsMetric, l(n.StatusLabel, n.ErrorStatus))},
		},
		LatencyAlert: true,
	}
}
