package testapps

import (
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// InferenceOptions configure an inference service.
type InferenceOptions struct {
	// Models served (label model_name); at least one.
	Models []string
	// RequestsPerSecond per model; default 50.
	RequestsPerSecond int
	// Latency of every request, in seconds; default 0.05.
	Latency float64
	// ErrorRatio is the fraction of requests that fail (status "error").
	ErrorRatio float64
	// Host is the loopback address to listen on (the pod's IP); default
	// 127.0.0.1.
	Host string
}

// Inference is an inference service that serves a steady, synthetic request
// load: it exports inference_requests_total{model_name,status} (status
// "success" or "error") and the histogram
// inference_request_duration_seconds{model_name}, as the seed's
// prometheus_client code does. Latency and error ratio can be changed at any
// time. The load is bounded: RequestsPerSecond per model, until Close.
type Inference struct {
	*server
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	models   []string
	rps      int

	requestLoad

	loop *ticking
}

// StartInference starts the service and its load loop.
func StartInference(o InferenceOptions) (*Inference, error) {
	if o.RequestsPerSecond <= 0 {
		o.RequestsPerSecond = 50
	}
	if o.Latency <= 0 {
		o.Latency = 0.05
	}
	reg := prometheus.NewRegistry()
	a := &Inference{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inference_requests_total",
			Help: "Inference requests served, by model and status.",
		}, []string{"model_name", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "inference_request_duration_seconds",
			Help:    "Inference request latency.",
			Buckets: prometheus.DefBuckets,
		}, []string{"model_name"}),
		models: append([]string(nil), o.Models...),
		rps:    o.RequestsPerSecond,
	}
	a.latency = o.Latency
	a.errors.set(o.ErrorRatio)
	reg.MustRegister(a.requests, a.duration)
	for _, m := range a.models {
		// Series exist from the first scrape, as with a real client that
		// pre-initialises its labels.
		a.requests.WithLabelValues(m, "success")
		a.requests.WithLabelValues(m, "error")
		a.duration.WithLabelValues(m)
	}
	s, err := startServer(o.Host, metricsMux(reg))
	if err != nil {
		return nil, err
	}
	a.server = s
	a.loop = startTicking(loadTick, a.step)
	return a, nil
}

// loadTick is how often the stand-ins serve a batch of requests.
const loadTick = 100 * time.Millisecond

// perTick is the requests a stand-in serves per loadTick at rps per second.
func perTick(rps int) int { return int(math.Round(float64(rps) * loadTick.Seconds())) }

// step serves one tick's requests.
func (a *Inference) step() {
	a.mu.Lock()
	lat := a.latency
	for _, m := range a.models {
		for range perTick(a.rps) {
			status := "success"
			if a.errors.fails(m) {
				status = "error"
			}
			a.requests.WithLabelValues(m, status).Inc()
			a.duration.WithLabelValues(m).Observe(lat)
		}
	}
	a.mu.Unlock()
}

// Close stops the load and the server.
func (a *Inference) Close() error {
	a.loop.Stop()
	return a.close()
}
