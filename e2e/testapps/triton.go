package testapps

import (
	"github.com/prometheus/client_golang/prometheus"
)

// TritonOptions configure a Triton stand-in.
type TritonOptions struct {
	// Models served (label model) at version 1; at least one.
	Models []string
	// RequestsPerSecond per model; default 20.
	RequestsPerSecond int
	// Latency of every successful request, in seconds; default 0.02.
	Latency float64
	// Host is the loopback address to listen on (the pod's IP); default
	// 127.0.0.1.
	Host string
}

// Triton exports the per-model metric families of Triton Inference Server
// as triton-inference-server/core defines them: families registered in
// src/metrics.cc (counters without suffix; durations are cumulative
// counters of microseconds, not histograms), per-model children created
// when a model loads by MetricModelReporter (src/metric_model_reporter.cc)
// with labels model and version — gpu_uuid only for a GPU instance, none
// here — and a failure child per reason (REJECTED, CANCELED, BACKEND,
// OTHER). A success adds its request duration
// (InferenceStatsAggregator::UpdateSuccess, src/infer_stats.cc); a failure
// counts only. Written from those sources, not from dataopsgen's preset.
type Triton struct {
	*server
	o TritonOptions

	success, failure, count, exec         *prometheus.CounterVec
	duration, queue, input, infer, output *prometheus.CounterVec
	pending, loadTime                     *prometheus.GaugeVec

	requestLoad

	load *ticking
}

// tritonFailureReasons are failure_reasons_map's values.
var tritonFailureReasons = []string{"REJECTED", "CANCELED", "BACKEND", "OTHER"}

// StartTriton starts the stand-in and its request loop.
func StartTriton(o TritonOptions) (*Triton, error) {
	if o.RequestsPerSecond <= 0 {
		o.RequestsPerSecond = 20
	}
	if o.Latency <= 0 {
		o.Latency = 0.02
	}
	model := []string{"model", "version"}
	counter := func(name, help string, extra ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, append(append([]string(nil), model...), extra...))
	}
	a := &Triton{
		o:        o,
		success:  counter("nv_inference_request_success", "Number of successful inference requests, all batch sizes"),
		failure:  counter("nv_inference_request_failure", "Number of failed inference requests, all batch sizes", "reason"),
		count:    counter("nv_inference_count", "Number of inferences performed (does not include cached requests)"),
		exec:     counter("nv_inference_exec_count", "Number of model executions performed (does not include cached requests)"),
		duration: counter("nv_inference_request_duration_us", "Cumulative inference request duration in microseconds (includes cached requests)"),
		queue:    counter("nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds (includes cached requests)"),
		input:    counter("nv_inference_compute_input_duration_us", "Cumulative compute input duration in microseconds (does not include cached requests)"),
		infer:    counter("nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds (does not include cached requests)"),
		output:   counter("nv_inference_compute_output_duration_us", "Cumulative inference compute output duration in microseconds (does not include cached requests)"),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nv_inference_pending_request_count",
			Help: "Instantaneous number of pending requests awaiting execution per-model."}, model),
		loadTime: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nv_model_load_duration_secs", Help: "Model load time in seconds"}, model),
	}
	a.latency = o.Latency
	reg := prometheus.NewRegistry()
	reg.MustRegister(a.success, a.failure, a.count, a.exec, a.duration, a.queue, a.input, a.infer, a.output, a.pending, a.loadTime)
	for _, m := range o.Models {
		// The model's reporter creates every child when it loads.
		for _, c := range []*prometheus.CounterVec{a.success, a.count, a.exec, a.duration, a.queue, a.input, a.infer, a.output} {
			c.WithLabelValues(m, "1")
		}
		for _, r := range tritonFailureReasons {
			a.failure.WithLabelValues(m, "1", r)
		}
		a.pending.WithLabelValues(m, "1")
		a.loadTime.WithLabelValues(m, "1").Set(1.5)
	}
	s, err := startServer(o.Host, metricsMux(reg))
	if err != nil {
		return nil, err
	}
	a.server = s
	a.load = startTicking(loadTick, a.step)
	return a, nil
}

// SetPending sets the pending requests of model m.
func (a *Triton) SetPending(m string, n int) { a.pending.WithLabelValues(m, "1").Set(float64(n)) }

// step serves one tick's requests.
func (a *Triton) step() {
	a.mu.Lock()
	defer a.mu.Unlock()
	us := a.latency * 1e6
	for _, m := range a.o.Models {
		for range perTick(a.o.RequestsPerSecond) {
			if a.errors.fails(m) { // the backend fails it
				a.failure.WithLabelValues(m, "1", "BACKEND").Inc()
				continue
			}
			a.success.WithLabelValues(m, "1").Inc()
			a.count.WithLabelValues(m, "1").Inc()
			a.exec.WithLabelValues(m, "1").Inc()
			a.duration.WithLabelValues(m, "1").Add(us)
			a.queue.WithLabelValues(m, "1").Add(us / 10)
			a.input.WithLabelValues(m, "1").Add(us / 10)
			a.infer.WithLabelValues(m, "1").Add(us * 7 / 10)
			a.output.WithLabelValues(m, "1").Add(us / 10)
		}
	}
}

// Close stops the load and the server.
func (a *Triton) Close() error {
	a.load.Stop()
	return a.close()
}
