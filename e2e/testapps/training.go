package testapps

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Training is a training job exporting its loss (gauge training_loss, or the
// name given) and a step counter (training_steps_total). While running, the
// loss decreases a little every 200ms; Stall freezes it.
type Training struct {
	*server
	loss  prometheus.Gauge
	steps prometheus.Counter

	mu      sync.Mutex
	value   float64
	stalled bool

	loop *ticking
}

// StartTraining starts the job's metrics server, on host (the pod's IP; ""
// is 127.0.0.1), and its progress loop.
func StartTraining(lossMetric, host string) (*Training, error) {
	if lossMetric == "" {
		lossMetric = "training_loss"
	}
	reg := prometheus.NewRegistry()
	a := &Training{
		loss:  prometheus.NewGauge(prometheus.GaugeOpts{Name: lossMetric, Help: "Current training loss."}),
		steps: prometheus.NewCounter(prometheus.CounterOpts{Name: "training_steps_total", Help: "Training steps done."}),
		value: 2.5,
	}
	a.loss.Set(a.value)
	reg.MustRegister(a.loss, a.steps)
	s, err := startServer(host, metricsMux(reg))
	if err != nil {
		return nil, err
	}
	a.server = s
	a.loop = startTicking(200*time.Millisecond, a.step)
	return a, nil
}

// Stall stops (true) or resumes (false) progress.
func (a *Training) Stall(stalled bool) {
	a.mu.Lock()
	a.stalled = stalled
	a.mu.Unlock()
}

// step is one training step, unless stalled.
func (a *Training) step() {
	a.mu.Lock()
	if !a.stalled {
		a.value = a.value*0.999 + 0.0001
		a.loss.Set(a.value)
		a.steps.Inc()
	}
	a.mu.Unlock()
}

// Close stops the job and its server.
func (a *Training) Close() error {
	a.loop.Stop()
	return a.close()
}
