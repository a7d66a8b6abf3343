package promunit

import (
	"math"
	"slices"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	promvalue "github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/rules"
)

// Options.DeriveRecords extends the step cache to rules that read
// recording rules (an SLO's alerts read its error-ratio records): once a recording rule's
// results at every step are known from its range query, the series it
// writes are known too, and a later rule that reads them can be answered
// by a range query on the input plus those series, as it is by a live
// query on the live storage.
//
// A recording rule's series are materialized as Group.Eval writes them:
// at each evaluation time, one sample per result sample, named by the
// rule, its labels set over the sample's (RecordingRule.Eval), and a
// staleness marker for each series of the previous evaluation the result
// no longer has (Group.Eval's seriesInPreviousEval); an evaluation the
// stepCache skips as idle has an empty result after an empty one, and
// writes nothing either way. A record becomes readable only to the rules
// evaluated after its writer at the same time (later in its group, or in
// a later group: the cache walks them in evaluation order), which then see
// its sample of that time, as live. It is not materialized when that could
// differ: another rule writes the same name, an input series has it (the
// appends would interleave), its group has a query offset, a result is a
// histogram or has two samples of one label set after the rule's labels
// (RecordingRule.Eval fails then, live).

// materialize returns in with the series recording rule rr writes, given
// its results byTime at every evaluation time of times (ascending), or
// false when they cannot be known exactly.
func materialize(in *memStorage, rr *rules.RecordingRule, byTime map[int64]promql.Vector, times []int64) (*memStorage, bool) {
	name := rr.Name()
	for _, s := range in.all {
		if s.lset.Get(labels.MetricName) == name {
			return nil, false
		}
	}
	series := map[uint64]*memSeries{}
	var order []*memSeries
	var prev map[uint64]bool
	lb := labels.NewBuilder(labels.EmptyLabels())
	stale := math.Float64frombits(promvalue.StaleNaN)
	for _, t := range times {
		cur := make(map[uint64]bool, len(byTime[t]))
		for _, smp := range byTime[t] {
			if smp.H != nil {
				return nil, false
			}
			lb.Reset(smp.Metric)
			lb.Set(labels.MetricName, name)
			rr.Labels().Range(func(l labels.Label) { lb.Set(l.Name, l.Value) })
			ls := lb.Labels()
			h := ls.Hash()
			if cur[h] {
				return nil, false // ErrDuplicateRecordingLabelSet, live
			}
			cur[h] = true
			s := series[h]
			if s == nil {
				s = &memSeries{lset: ls, hash: h}
				series[h] = s
				order = append(order, s)
			} else if !labels.Equal(s.lset, ls) {
				return nil, false // a hash collision: leave it live
			}
			s.samples = append(s.samples, promql.FPoint{T: t, F: smp.F})
		}
		for h := range prev {
			if !cur[h] {
				series[h].samples = append(series[h].samples, promql.FPoint{T: t, F: stale})
			}
		}
		prev = cur
	}
	out := newMemStorage(0)
	out.all = make([]*memSeries, 0, len(in.all)+len(order))
	out.all = append(append(out.all, in.all...), order...)
	slices.SortFunc(out.all, func(a, b *memSeries) int { return labels.Compare(a.lset, b.lset) })
	return out, true
}

// evalTimes are the evaluation times the step cache covers, in ms.
func evalTimes(first, last time.Time, step time.Duration) []int64 {
	var out []int64
	for t := first; !t.After(last); t = t.Add(step) {
		out = append(out, t.UnixMilli())
	}
	return out
}
