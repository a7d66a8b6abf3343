package testapps

import (
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// VLLMOptions configure a vLLM stand-in.
type VLLMOptions struct {
	// Model is the served model name (label model_name); Engines the
	// number of engine cores (label engine), 1 by default.
	Model   string
	Engines int
	// RequestsPerSecond the API server answers; default 20.
	RequestsPerSecond int
	// TTFT, TPOT (inter-token latency) and E2E are every request's
	// latencies in seconds; defaults 0.05, 0.02, 1.
	TTFT, TPOT, E2E float64
	// TokensPerRequest generated; default 100.
	TokensPerRequest int
	// Host is the loopback address to listen on (the pod's IP); default
	// 127.0.0.1.
	Host string
}

// VLLM exports the metric families of vLLM's OpenAI-compatible server as
// vLLM defines them — the engine's in vllm-project/vllm
// vllm/v1/metrics/loggers.py (PrometheusStatLogger: labels model_name and
// engine, one child per engine created at start-up, request_success with a
// child per finish reason of vllm/v1/engine/__init__.py; buckets of
// vllm/v1/metrics/buckets.py) and the API server's of
// prometheus-fastapi-instrumentator's default metrics
// (http_requests_total{method,status,handler} with status grouped as
// "2xx"/"5xx", a child created at its first request;
// http_request_duration_seconds{method,handler}) — written from those
// sources, not from dataopsgen's preset, so that a test comparing the two
// can fail. prometheus_client's _created samples are not reproduced (no
// alert reads them). Counters keep the _total prometheus_client adds.
type VLLM struct {
	*server
	o VLLMOptions

	running, waiting, kv *prometheus.GaugeVec
	preemptions          *prometheus.CounterVec
	promptTokens, genTok *prometheus.CounterVec
	success              *prometheus.CounterVec
	ttft, itl, e2e, qt   *prometheus.HistogramVec
	httpRequests         *prometheus.CounterVec
	httpDuration         *prometheus.HistogramVec

	mu                 sync.Mutex
	ttftS, tpotS, e2eS float64
	errors             errorShare

	load *ticking
}

// vLLM's bucket lists (vllm/v1/metrics/buckets.py DEFAULT_BUCKETS).
var (
	vllmPrefill = []float64{0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560}
	vllmToken   = []float64{0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80}
	vllmPhase   = []float64{0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680}
	// FINISH_REASON_STRINGS (vllm/v1/engine/__init__.py).
	vllmFinishReasons = []string{"stop", "length", "abort", "error", "repetition"}
)

// StartVLLM starts the stand-in and its request loop.
func StartVLLM(o VLLMOptions) (*VLLM, error) {
	if o.Engines <= 0 {
		o.Engines = 1
	}
	if o.RequestsPerSecond <= 0 {
		o.RequestsPerSecond = 20
	}
	if o.TTFT <= 0 {
		o.TTFT = 0.05
	}
	if o.TPOT <= 0 {
		o.TPOT = 0.02
	}
	if o.E2E <= 0 {
		o.E2E = 1
	}
	if o.TokensPerRequest <= 0 {
		o.TokensPerRequest = 100
	}
	engine := []string{"model_name", "engine"}
	gauge := func(name, help string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, engine)
	}
	counter := func(name, help string, extra ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, append(append([]string(nil), engine...), extra...))
	}
	histogram := func(name, help string, buckets []float64) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, engine)
	}
	a := &VLLM{
		o:            o,
		running:      gauge("vllm:num_requests_running", "Number of requests in model execution batches."),
		waiting:      gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed."),
		kv:           gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage."),
		preemptions:  counter("vllm:num_preemptions_total", "Cumulative number of preemption from the engine."),
		promptTokens: counter("vllm:prompt_tokens_total", "Number of prefill tokens processed."),
		genTok:       counter("vllm:generation_tokens_total", "Number of generation tokens processed."),
		success:      counter("vllm:request_success_total", "Count of successfully processed requests.", "finished_reason"),
		ttft:         histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", vllmPrefill),
		itl:          histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", vllmToken),
		e2e:          histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", vllmPhase),
		qt:           histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", vllmPhase),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "http_requests_total",
			Help: "Total number of requests by method, status and handler."}, []string{"method", "status", "handler"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "http_request_duration_seconds",
			Help: "Latency with only few buckets by handler.", Buckets: []float64{0.1, 0.5, 1}}, []string{"method", "handler"}),
		ttftS: o.TTFT, tpotS: o.TPOT, e2eS: o.E2E,
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(a.running, a.waiting, a.kv, a.preemptions, a.promptTokens, a.genTok, a.success,
		a.ttft, a.itl, a.e2e, a.qt, a.httpRequests, a.httpDuration)
	// make_per_engine: every engine's children exist from start-up, one
	// request_success child per finish reason.
	for e := range o.Engines {
		l := []string{o.Model, fmt.Sprint(e)}
		a.running.WithLabelValues(l...)
		a.waiting.WithLabelValues(l...)
		a.kv.WithLabelValues(l...)
		a.preemptions.WithLabelValues(l...)
		a.promptTokens.WithLabelValues(l...)
		a.genTok.WithLabelValues(l...)
		for _, r := range vllmFinishReasons {
			a.success.WithLabelValues(append(l, r)...)
		}
		for _, h := range []*prometheus.HistogramVec{a.ttft, a.itl, a.e2e, a.qt} {
			h.WithLabelValues(l...)
		}
	}
	s, err := startServer(o.Host, metricsMux(reg))
	if err != nil {
		return nil, err
	}
	a.server = s
	a.load = startTicking(loadTick, a.step)
	return a, nil
}

// SetLatencies sets the TTFT, inter-token and end-to-end latency (seconds)
// of every following request.
func (a *VLLM) SetLatencies(ttft, tpot, e2e float64) {
	a.mu.Lock()
	a.ttftS, a.tpotS, a.e2eS = ttft, tpot, e2e
	a.mu.Unlock()
}

// SetErrorRatio sets the share of following requests answered with a 500.
func (a *VLLM) SetErrorRatio(r float64) {
	a.mu.Lock()
	a.errors.set(r)
	a.mu.Unlock()
}

// SetWaiting sets the requests waiting on engine 0; SetKVCache its KV-cache
// usage (0..1).
func (a *VLLM) SetWaiting(n int) { a.waiting.WithLabelValues(a.o.Model, "0").Set(float64(n)) }

func (a *VLLM) SetKVCache(f float64) { a.kv.WithLabelValues(a.o.Model, "0").Set(f) }

// step serves one tick's requests.
func (a *VLLM) step() {
	const handler = "/v1/chat/completions"
	a.mu.Lock()
	defer a.mu.Unlock()
	ttft, tpot, e2e := a.ttftS, a.tpotS, a.e2eS
	for i := range perTick(a.o.RequestsPerSecond) {
		engine := fmt.Sprint(i % a.o.Engines)
		if a.errors.fails(a.o.Model) {
			// A request failing with an internal error: a 500 of the
			// API server.
			a.httpRequests.WithLabelValues("POST", "5xx", handler).Inc()
			a.httpDuration.WithLabelValues("POST", handler).Observe(ttft)
			continue
		}
		l := []string{a.o.Model, engine}
		a.success.WithLabelValues(append(l, "stop")...).Inc()
		a.promptTokens.WithLabelValues(l...).Add(32)
		a.genTok.WithLabelValues(l...).Add(float64(a.o.TokensPerRequest))
		a.ttft.WithLabelValues(l...).Observe(ttft)
		for range a.o.TokensPerRequest - 1 {
			a.itl.WithLabelValues(l...).Observe(tpot)
		}
		a.e2e.WithLabelValues(l...).Observe(e2e)
		a.qt.WithLabelValues(l...).Observe(0)
		a.httpRequests.WithLabelValues("POST", "2xx", handler).Inc()
		a.httpDuration.WithLabelValues("POST", handler).Observe(e2e)
	}
}

// Close stops the load and the server.
func (a *VLLM) Close() error {
	a.load.Stop()
	return a.close()
}
