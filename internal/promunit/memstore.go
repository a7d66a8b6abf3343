package promunit

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/util/annotations"
)

// seriesParser parses input series as promqltest's load command does.
var seriesParser = parser.NewParser(promqltest.TestParserOpts)

// parsedLine is an input line as promqltest's load command parses it.
type parsedLine struct {
	lset labels.Labels
	vals []parser.SequenceValue // read only
	err  error
}

func newSeriesLines() *memo[parsedLine] {
	return newMemo(func(line string) parsedLine {
		lset, vals, err := seriesParser.ParseSeriesDesc(line)
		return parsedLine{lset, vals, err}
	})
}

// memSuite is one test group's lazily loaded input and storage
// (Options.MemoryStorage). promqltest.LazyLoader (what promtool uses) opens
// a TSDB in a temporary directory for each test group, which costs
// milliseconds and megabytes (stripe maps, exemplar buffer, WAL): memSuite
// holds the float samples of a group in memory with the TSDB's append
// rules, and is used whenever the input has no native histograms and no
// @st lines (the LazyLoader runs the rest, so that every corner of
// promtool's behaviour stays its own).
type memSuite struct {
	all    *memStorage // every input sample, for the stepCache
	store  *memStorage
	engine *promql.Engine
}

type pendingSeries struct {
	lset    labels.Labels
	samples []promql.FPoint
}

// newMemSuite parses the input series; nil means the LazyLoader must run
// them (native histograms, @st lines, anything that does not parse — the
// LazyLoader then reports the error exactly as promtool does).
func newMemSuite(o Options, interval time.Duration, series []Series, start time.Time, evalInterval time.Duration, lines *memo[parsedLine]) *memSuite {
	if start.IsZero() {
		start = time.Unix(0, 0).UTC()
	}
	defs := make(map[uint64]int, len(series))
	var pending []pendingSeries // in definition order
	var hashes []uint64
	for _, in := range series {
		var (
			m       labels.Labels
			samples []promql.FPoint
		)
		if in.Desc != nil {
			// The line parsed by its generator (the same values:
			// TestSeriesDescIsTheLine in generators/ruletests).
			m, samples = in.Desc.Labels, in.Desc.samples(start, interval)
		} else {
			// loadCommand writes "  <series> <values>" lines that
			// promqltest trims, skips when they are comments, and
			// reads up to the first empty one.
			line := strings.TrimSpace(in.Series + " " + in.Values)
			if line == "" || strings.ContainsAny(line, "\n\r") || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "@") {
				return nil
			}
			p := lines.get(line)
			if p.err != nil {
				return nil
			}
			m = p.lset
			vals := p.vals
			sm := sampler{ts: start, interval: interval, out: make([]promql.FPoint, 0, len(vals))}
			for _, v := range vals {
				if v.Histogram != nil {
					return nil
				}
				sm.add(v.Value, v.Omitted)
			}
			samples = sm.out
		}
		// A series defined twice keeps its last definition, as in
		// promqltest (keyed by the label hash there too).
		h := m.Hash()
		if i, ok := defs[h]; ok {
			pending[i].samples = samples
			continue
		}
		defs[h] = len(pending)
		pending = append(pending, pendingSeries{lset: m, samples: samples})
		hashes = append(hashes, h)
	}
	s := &memSuite{all: newMemStorage(0), store: newMemStorage(len(pending)), engine: engineFor(evalInterval, o.ParseCache)}
	// Read only: shares the samples, which the live storage only reslices.
	// Both storages list the series sorted by labels: sorted once.
	order := make([]int, len(pending))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return labels.Compare(pending[a].lset, pending[b].lset) })
	in := make([]memSeries, len(pending))
	s.all.all = make([]*memSeries, len(pending))
	for k, i := range order {
		in[i] = memSeries{lset: pending[i].lset, samples: pending[i].samples, hash: hashes[i]}
		s.all.all[k] = &in[i]
	}
	s.store.load(pending, hashes, order, o.InputLayer)
	return s
}

// samples are the float samples of d from start, one every interval (as
// newMemSuite makes them from the parsed line).
func (d *SeriesDesc) samples(start time.Time, interval time.Duration) []promql.FPoint {
	n := 0
	for _, r := range d.Runs {
		if !r.Omitted {
			n += r.len()
		}
	}
	sm := sampler{ts: start, interval: interval, out: make([]promql.FPoint, 0, n)}
	d.each(sm.add)
	return sm.out
}

// sampler turns a sequence of values into float samples, one every
// interval from ts, omitted values leaving their step empty (promqltest's
// load).
type sampler struct {
	ts       time.Time
	interval time.Duration
	out      []promql.FPoint
}

func (s *sampler) add(v float64, omitted bool) {
	if !omitted {
		s.out = append(s.out, promql.FPoint{T: s.ts.UnixNano() / int64(time.Millisecond), F: v})
	}
	s.ts = s.ts.Add(s.interval)
}

func (s *memSuite) input() storage.Queryable { return s.all }

// WithSamplesTill makes the input samples up to ts visible, then runs fn:
// by moving the cut-off of the input layer, or (after a fall back to the
// per-sample path, see inputLayer.base) by appending them one at a time.
func (s *memSuite) WithSamplesTill(ts time.Time, fn func(error)) {
	till := int64(ts.Sub(time.Unix(0, 0).UTC()) / time.Millisecond)
	if s.store.show(till) {
		fn(nil)
		return
	}
	app := s.store.AppenderV2(context.Background())
	var err error
	pending := s.store.pending
	for i := range pending {
		p := &pending[i]
		n := 0
		for n < len(p.samples) && p.samples[n].T <= till {
			if _, err = app.Append(0, p.lset, 0, p.samples[n].T, p.samples[n].F, nil, nil, storage.AppendV2Options{}); err != nil {
				break
			}
			n++
		}
		if err != nil {
			break
		}
		p.samples = p.samples[n:]
	}
	if err != nil {
		app.Rollback()
		fn(err)
		return
	}
	fn(app.Commit())
}

func (s *memSuite) QueryEngine() *promql.Engine      { return s.engine }
func (s *memSuite) Queryable() storage.Queryable     { return s.store }
func (s *memSuite) Appendable() storage.AppendableV2 { return s.store }
func (s *memSuite) Context() context.Context         { return context.Background() }
func (s *memSuite) Close() error                     { return nil }

// engines are shared by the test groups with the same evaluation interval
// and parse cache setting (an Engine is safe for concurrent use; its
// options are the LazyLoader's).
var engines sync.Map // engineKey -> *promql.Engine

type engineKey struct {
	evalInterval time.Duration
	parseCache   bool
}

func engineFor(evalInterval time.Duration, parseCache bool) *promql.Engine {
	k := engineKey{evalInterval, parseCache}
	if e, ok := engines.Load(k); ok {
		return e.(*promql.Engine)
	}
	step := int64(evalInterval / time.Millisecond)
	e := promql.NewEngine(promql.EngineOpts{
		MaxSamples:               10000,
		Timeout:                  100 * time.Second,
		NoStepSubqueryIntervalFn: func(int64) int64 { return step },
		EnableAtModifier:         true,
		EnableNegativeOffset:     true,
		Parser:                   &cachingParser{Parser: PromQL, off: !parseCache, m: map[string]parser.Expr{}},
	})
	actual, _ := engines.LoadOrStore(k, e)
	return actual.(*promql.Engine)
}

type memSeries struct {
	lset    labels.Labels
	samples []promql.FPoint // in time order; only appended to
	// full is an input series' every sample while it is in the input
	// layer (samples is then full[:k], those up to the cut-off); nil for
	// series the appender writes.
	full []promql.FPoint
	hash uint64 // of lset; input series of the stepCache's storage only
}

// memStorage holds float series in memory and accepts appends as a TSDB
// head without out-of-order window does: a sample older than the series'
// last is out of order, one at the same time is a duplicate unless its
// value is bit-identical (then it is dropped), and once the head holds
// data a sample older than half a block (12h in promtool's test storage)
// before the newest is out of bounds.
type memStorage struct {
	mu     sync.RWMutex
	byHash map[uint64][]*memSeries
	all    []*memSeries // sorted by labels
	maxt   int64
	empty  bool

	// pending is the input not appended yet: all of it without the input
	// layer, the rest after its fall back.
	pending    []pendingSeries
	inputLayer // the input series, while they are a layer (inputlayer.go)
}

// halfBlock is half of the test storage's 24h block range.
const halfBlock = int64(12 * time.Hour / time.Millisecond)

// newMemStorage returns an empty storage with room for n series.
func newMemStorage(n int) *memStorage {
	return &memStorage{byHash: make(map[uint64][]*memSeries, n), maxt: math.MinInt64, empty: true, inputLayer: inputLayer{till: math.MinInt64}}
}

// get returns the series of lset, nil if there is none. Callers hold mu.
func (m *memStorage) get(h uint64, lset labels.Labels) *memSeries {
	for _, s := range m.byHash[h] {
		if labels.Equal(s.lset, lset) {
			return s
		}
	}
	return nil
}

func (m *memStorage) AppenderV2(context.Context) storage.AppenderV2 {
	return &memAppender{m: m}
}

type memAppend struct {
	hash uint64
	lset labels.Labels
	s    promql.FPoint
}

type memAppender struct {
	m       *memStorage
	pending []memAppend
}

func (a *memAppender) Append(_ storage.SeriesRef, ls labels.Labels, _, t int64, v float64, h *histogram.Histogram, fh *histogram.FloatHistogram, _ storage.AppendV2Options) (storage.SeriesRef, error) {
	if h != nil || fh != nil {
		return 0, errors.New("promunit: native histograms are not supported by the in-memory storage")
	}
	hash := ls.Hash()
	a.m.mu.RLock()
	s := a.m.get(hash, ls)
	if s != nil && s.full != nil {
		// A rule writes an input series: append its input sample by
		// sample from now on, as the TSDB head would.
		a.m.mu.RUnlock()
		a.m.mu.Lock()
		a.m.fallBack()
		a.m.mu.Unlock()
		a.m.mu.RLock()
	}
	empty := a.m.empty
	minValid := int64(math.MinInt64)
	if !empty {
		minValid = a.m.maxt - halfBlock
	}
	var last *promql.FPoint
	if s != nil && len(s.samples) > 0 {
		last = &s.samples[len(s.samples)-1]
	}
	a.m.mu.RUnlock()
	// As the TSDB head's appendable(): checked against what is committed
	// (a batch appends each series in time order).
	switch {
	case !empty && t < minValid:
		return 0, storage.ErrOutOfBounds
	case last == nil || t > last.T:
		a.pending = append(a.pending, memAppend{hash: hash, lset: ls, s: promql.FPoint{T: t, F: v}})
		return storage.SeriesRef(hash), nil
	case t == last.T && math.Float64bits(v) != math.Float64bits(last.F):
		return 0, storage.NewDuplicateFloatErr(t, last.F, v)
	case t == last.T:
		return storage.SeriesRef(hash), nil // identical: dropped
	}
	return 0, storage.ErrOutOfOrderSample
}

func (a *memAppender) Commit() error {
	m := a.m
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range a.pending {
		s := m.get(p.hash, p.lset)
		if s != nil && s.full != nil || p.s.T > m.till && m.base != nil {
			// Appends after the input layer's cut-off would not
			// leave its samples appendable.
			m.fallBack()
		}
		if s == nil {
			s = &memSeries{lset: p.lset.Copy()}
			m.byHash[p.hash] = append(m.byHash[p.hash], s)
			// all stays sorted by labels, as queriers return series.
			i, _ := slices.BinarySearchFunc(m.all, s.lset, func(x *memSeries, l labels.Labels) int { return labels.Compare(x.lset, l) })
			m.all = slices.Insert(m.all, i, s)
		}
		if n := len(s.samples); n > 0 && p.s.T <= s.samples[n-1].T {
			continue // out of order within the batch: the TSDB drops it too
		}
		s.samples = append(s.samples, p.s)
		m.maxt = max(m.maxt, p.s.T)
		m.empty = false
	}
	a.pending = a.pending[:0]
	return nil
}

func (a *memAppender) Rollback() error {
	a.pending = a.pending[:0]
	return nil
}

// Querier returns the series with samples in [mint, maxt], as they are now.
func (m *memStorage) Querier(mint, maxt int64) (storage.Querier, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	q := &memQuerier{series: make([]memSeries, 0, len(m.all))}
	for _, s := range m.all {
		lo, _ := slices.BinarySearchFunc(s.samples, mint, func(x promql.FPoint, t int64) int { return cmp.Compare(x.T, t) })
		hi, found := slices.BinarySearchFunc(s.samples, maxt, func(x promql.FPoint, t int64) int { return cmp.Compare(x.T, t) })
		if found {
			hi++
		}
		if lo >= hi {
			continue
		}
		q.series = append(q.series, memSeries{lset: s.lset, samples: s.samples[lo:hi:hi]})
	}
	return q, nil
}

type memQuerier struct {
	series []memSeries // sorted by labels
}

func matches(lset labels.Labels, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(lset.Get(m.Name)) {
			return false
		}
	}
	return true
}

func (q *memQuerier) Select(_ context.Context, _ bool, _ *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
	var out []storage.Series
	for i := range q.series {
		s := &q.series[i]
		if matches(s.lset, ms) {
			out = append(out, promql.NewStorageSeries(promql.Series{Metric: s.lset, Floats: s.samples}))
		}
	}
	return &memSeriesSet{series: out, i: -1}
}

func (q *memQuerier) LabelValues(_ context.Context, name string, hints *storage.LabelHints, ms ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	var out []string
	for i := range q.series {
		s := &q.series[i]
		if v := s.lset.Get(name); v != "" && matches(s.lset, ms) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if hints != nil && hints.Limit > 0 && len(out) > hints.Limit {
		out = out[:hints.Limit]
	}
	return out, nil, nil
}

func (q *memQuerier) LabelNames(_ context.Context, hints *storage.LabelHints, ms ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	var out []string
	for i := range q.series {
		s := &q.series[i]
		if matches(s.lset, ms) {
			s.lset.Range(func(l labels.Label) { out = append(out, l.Name) })
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if hints != nil && hints.Limit > 0 && len(out) > hints.Limit {
		out = out[:hints.Limit]
	}
	return out, nil, nil
}

func (q *memQuerier) Close() error { return nil }

type memSeriesSet struct {
	series []storage.Series
	i      int
}

func (s *memSeriesSet) Next() bool {
	s.i++
	return s.i < len(s.series)
}

func (s *memSeriesSet) At() storage.Series                { return s.series[s.i] }
func (s *memSeriesSet) Err() error                        { return nil }
func (s *memSeriesSet) Warnings() annotations.Annotations { return nil }
