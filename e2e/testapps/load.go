package testapps

import "sync"

// errorShare decides which of a stand-in's requests fail, so that the
// running share of failures of each model follows the ratio exactly
// (deterministic: the alerts' thresholds are crossed when the test says).
// Its owner's mutex guards it.
type errorShare struct {
	ratio          float64
	served, failed map[string]float64 // per model, since the ratio was set
}

// set starts counting anew at ratio r.
func (e *errorShare) set(r float64) {
	e.ratio = r
	e.served, e.failed = map[string]float64{}, map[string]float64{}
}

// fails counts one request of model m and reports whether it fails.
func (e *errorShare) fails(m string) bool {
	if e.served == nil {
		e.set(e.ratio)
	}
	e.served[m]++
	if e.failed[m] < e.ratio*e.served[m] {
		e.failed[m]++
		return true
	}
	return false
}

// requestLoad is the latency and error share of the requests a stand-in
// serves every loadTick; both can be changed at any time.
type requestLoad struct {
	mu      sync.Mutex
	latency float64 // seconds
	errors  errorShare
}

// SetLatency sets the latency of every following request, in seconds.
func (l *requestLoad) SetLatency(seconds float64) {
	l.mu.Lock()
	l.latency = seconds
	l.mu.Unlock()
}

// SetErrorRatio sets the share of following requests that fail.
func (l *requestLoad) SetErrorRatio(r float64) {
	l.mu.Lock()
	l.errors.set(r)
	l.mu.Unlock()
}
