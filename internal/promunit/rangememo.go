package promunit

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"
)

// rangeStats counts, for tests, the range queries run and those shared.
var rangeStats struct{ run, shared atomic.Int64 }

// rangeMemo holds the step cache's range-query results of the test groups
// of a file, for the groups whose input gives the same query the same
// series: the test groups of a generated file are scenarios of one
// workload, and a rule often reads series that several scenarios leave
// alike (about a quarter of the range queries at 1,000 workloads).
//
// A range query's result is a function of the query text, its start, end
// and step (the engine is the one of that step: engineFor), and of what
// the storage holds: the engine reads the input storage only through
// Querier(mint, maxt), with mint and maxt a function of the query and its
// times, and Select by each vector selector's matchers, which returns the
// series those matchers match, sorted by labels, with their samples in
// [mint, maxt]. So two test groups whose input series matched by each
// selector of the query are the same (labels, and samples to the bit) get
// the same result, or the same error. Only results are shared; an error
// is left to each group, which then runs the rule live.
//
// The selectors are those of the rule's parsed expression, whose text is
// the query (String() prints what parses back to the same matchers: the
// engine's parse of the text has these selectors).
type rangeMemo struct {
	mu sync.Mutex
	m  map[rangeKey][]*rangeEntry
}

type rangeKey struct {
	query            string
	start, end, step int64
	series           uint64 // a hash of the matched series' labels
}

type rangeEntry struct {
	matched [][]*memSeries // by selector, sorted by labels
	res     map[int64]promql.Vector
}

// sharedResults is rangeResults, taken from memo when another test group
// of the file ran the same query on the same input (see rangeMemo).
func sharedResults(engine promql.QueryEngine, input storage.Queryable, memo *rangeMemo, expr parser.Expr, qs string, start, end time.Time, step time.Duration) (map[int64]promql.Vector, error) {
	in, ok := input.(*memStorage)
	if memo == nil || !ok {
		return rangeResults(engine, input, qs, start, end, step)
	}
	matched, h := rangeInput(expr, in)
	k := rangeKey{query: qs, start: start.UnixMilli(), end: end.UnixMilli(), step: int64(step), series: h}
	if res, ok := memo.get(k, matched); ok {
		return res, nil
	}
	res, err := rangeResults(engine, input, qs, start, end, step)
	if err == nil {
		memo.put(k, matched, res)
	}
	return res, err
}

func newRangeMemo() *rangeMemo {
	return &rangeMemo{m: map[rangeKey][]*rangeEntry{}}
}

// rangeInput is what a range query of expr reads of the input in: the
// series each of its selectors matches, and a hash of their labels.
func rangeInput(expr parser.Expr, in *memStorage) ([][]*memSeries, uint64) {
	var matched [][]*memSeries
	h := uint64(14695981039346656037)
	mix := func(v uint64) { h = (h ^ v) * 1099511628211 }
	inspect(expr, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		var sel []*memSeries
		for _, s := range in.all {
			if matches(s.lset, vs.LabelMatchers) {
				sel = append(sel, s)
				mix(s.hash)
			}
		}
		mix(uint64(len(sel)))
		matched = append(matched, sel)
		return nil
	})
	return matched, h
}

// get returns the result shared under k for the input matched, if any.
func (r *rangeMemo) get(k rangeKey, matched [][]*memSeries) (map[int64]promql.Vector, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.m[k] {
		if sameInput(e.matched, matched) {
			rangeStats.shared.Add(1)
			return e.res, true
		}
	}
	return nil, false
}

// put shares res under k for the input matched.
func (r *rangeMemo) put(k rangeKey, matched [][]*memSeries, res map[int64]promql.Vector) {
	rangeStats.run.Add(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[k] = append(r.m[k], &rangeEntry{matched: matched, res: res})
}

// sameInput reports whether a and b are the same series (labels and
// samples, floats compared bit for bit: stale markers included).
func sameInput(a, b [][]*memSeries) bool {
	return slices.EqualFunc(a, b, func(x, y []*memSeries) bool {
		return slices.EqualFunc(x, y, func(s, t *memSeries) bool {
			return s == t || labels.Equal(s.lset, t.lset) && slices.EqualFunc(s.samples, t.samples, func(p, q promql.FPoint) bool {
				return p.T == q.T && math.Float64bits(p.F) == math.Float64bits(q.F)
			})
		})
	})
}
