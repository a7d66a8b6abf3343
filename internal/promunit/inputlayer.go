package promunit

// inputLayer (Options.InputLayer) keeps a memStorage's input series as one
// read-only layer whose visible part grows with each evaluation time,
// instead of appending every input sample through the appender: the
// input is most of what a test group stores, and the appender's checks
// cannot fail on it (see base).
type inputLayer struct {
	// base are the input series, in definition order, as an input layer:
	// show(till) makes their samples up to till visible by reslicing full,
	// with the state that appending them one at a time would leave (the
	// same series, samples, maxt and emptiness; appending strictly
	// increasing samples at or after every committed one cannot fail).
	// Whatever could make that untrue — a rule writing an input series'
	// labels, a sample committed after the cut-off, an input series not
	// strictly increasing — falls back (fallBack) to appending the rest
	// of the input sample by sample, from pending, as the TSDB head would.
	// nil once fallen back.
	base []*memSeries
	till int64 // the cut-off
}

// load takes the input series (distinct labels, their hashes in hashes,
// their indexes sorted by labels in order) into an empty storage: as the
// input layer (if layered: Options.InputLayer), or as pending samples.
func (m *memStorage) load(pending []pendingSeries, hashes []uint64, order []int, layered bool) {
	layer := layered
	for _, p := range pending {
		for i := 1; i < len(p.samples) && layer; i++ {
			layer = p.samples[i].T > p.samples[i-1].T
		}
	}
	if !layer {
		m.pending = pending
		return
	}
	series := make([]memSeries, len(pending))
	m.base = make([]*memSeries, len(pending))
	// Room for the rules' output series too.
	m.all = make([]*memSeries, len(pending), len(pending)+len(pending)/2+8)
	for i, p := range pending {
		series[i] = memSeries{lset: p.lset, samples: p.samples[:0], full: p.samples}
		m.base[i] = &series[i]
		m.byHash[hashes[i]] = append(m.byHash[hashes[i]], &series[i])
	}
	for k, i := range order {
		m.all[k] = &series[i]
	}
}

// show makes the input samples up to till visible; false after a fall
// back (the caller appends them then).
func (m *memStorage) show(till int64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.base == nil {
		return false
	}
	m.till = max(m.till, till)
	for _, s := range m.base {
		n := len(s.samples)
		for n < len(s.full) && s.full[n].T <= till {
			n++
		}
		if n > len(s.samples) {
			s.samples = s.full[:n]
			m.maxt = max(m.maxt, s.full[n-1].T)
			m.empty = false
		}
	}
	return true
}

// fallBack leaves the input layer: the visible samples become the series'
// own (capped, so that appends copy them), the rest pending, in definition
// order as newMemSuite had them. Callers hold mu for writing.
func (m *memStorage) fallBack() {
	if m.base == nil {
		return
	}
	m.pending = make([]pendingSeries, len(m.base))
	for i, s := range m.base {
		n := len(s.samples)
		s.samples = s.samples[:n:n]
		m.pending[i] = pendingSeries{lset: s.lset, samples: s.full[n:]}
		s.full = nil
	}
	m.base = nil
}
