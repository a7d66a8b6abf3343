package promunit

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"
	"github.com/prometheus/prometheus/storage"
)

// stepCache holds the results of the rule queries of a test group at every
// evaluation time, computed by one range query per rule instead of one
// instant query per rule and evaluation (the engine evaluates an instant
// query as a range query of one step, with the same code per step).
//
// A cached result equals what the instant query at that time returns on
// the group's live storage, because only rules whose results cannot depend
// on anything but the input series up to that time are cached:
//   - every selector names its metric with an equality matcher, and no rule
//     writes that metric (not ALERTS, ALERTS_FOR_STATE, any record name),
//     so the live storage holds the same series as the input-only one;
//   - no @ modifier, negative offset or subquery: a query at t reads samples
//     at or before t, which the live storage holds by then (WithSamplesTill
//     appends every input sample up to t, or stops the test on an error);
//   - the range query succeeded: an error at any step (many-to-many
//     matching, duplicate series, too many samples...) makes the rule run
//     live, so the error comes at its step exactly as promtool reports it.
//
// Everything else (alert state, `for`, templates, ALERTS, staleness) stays
// the rules manager's, fed with these results.
type stepCache struct {
	byQuery map[string]*stepResults // by query
	perRule [][]*stepResults        // the same, by group and rule (nil: live)
}

// stepResults are the results of a query by time (ms). A query of rules
// with different query offsets holds the union of their times; the map
// may be shared with other test groups (rangeMemo) and is never written:
// a union is a new map.
type stepResults struct {
	byTime map[int64]promql.Vector
}

// newStepCache runs the range queries of the rules of groups over the
// evaluation times [mint, maxt] on input (every input sample); nil when
// there is nothing to cache.
// Groups of the same file share their results through memo (nil: none).
func newStepCache(engine promql.QueryEngine, input storage.Queryable, groups []*rules.Group, mint, maxt time.Time, evalInterval time.Duration, memo *rangeMemo, deriveRecords bool) *stepCache {
	// Times off the millisecond grid would not fall on the range query's
	// steps (the engine works in milliseconds).
	if input == nil || !mint.Equal(time.UnixMilli(mint.UnixMilli())) || evalInterval%time.Millisecond != 0 {
		return nil
	}
	outputs := map[string]bool{"ALERTS": true, "ALERTS_FOR_STATE": true}
	for _, g := range groups {
		for _, r := range g.Rules() {
			if rr, ok := r.(*rules.RecordingRule); ok {
				outputs[rr.Name()] = true
			}
		}
	}
	steps := int(maxt.Sub(mint) / evalInterval)
	last := mint.Add(time.Duration(steps) * evalInterval)
	c := &stepCache{byQuery: map[string]*stepResults{}, perRule: make([][]*stepResults, len(groups))}
	// Recording rules whose series are materialized (if deriveRecords) are
	// read from derived by the rules after them.
	writers := map[string]int{}
	for _, g := range groups {
		for _, r := range g.Rules() {
			if rr, ok := r.(*rules.RecordingRule); ok {
				writers[rr.Name()]++
			}
		}
	}
	derived, _ := input.(*memStorage)
	blocked := outputs
	var times []int64
	for i, g := range groups {
		off := g.QueryOffset()
		c.perRule[i] = make([]*stepResults, len(g.Rules()))
		if off%time.Millisecond != 0 {
			continue
		}
		for j, r := range g.Rules() {
			expr := r.Query()
			if !cacheable(expr, blocked) {
				continue
			}
			input := input
			if derived != nil {
				input = derived
			}
			qs := expr.String()
			r := c.byQuery[qs]
			if r == nil || !has(r.byTime, mint.Add(-off).UnixMilli()) {
				res, err := sharedResults(engine, input, memo, expr, qs, mint.Add(-off), last.Add(-off), evalInterval)
				if err != nil {
					continue // run live: the error shows at its step
				}
				if r == nil {
					r = &stepResults{byTime: res}
					c.byQuery[qs] = r
				} else {
					union := maps.Clone(r.byTime)
					maps.Copy(union, res)
					r.byTime = union
				}
			}
			c.perRule[i][j] = r
			if rr, ok := g.Rules()[j].(*rules.RecordingRule); ok && deriveRecords && derived != nil && off == 0 && writers[rr.Name()] == 1 {
				if times == nil {
					times = evalTimes(mint, last, evalInterval)
				}
				if d, ok := materialize(derived, rr, r.byTime, times); ok {
					derived = d
					if blocked[rr.Name()] {
						blocked = maps.Clone(blocked)
						delete(blocked, rr.Name())
					}
				}
			}
		}
	}
	return c
}

// cacheable reports whether expr reads only input series, at or before the
// evaluation time.
func cacheable(expr parser.Expr, outputs map[string]bool) bool {
	ok := true
	inspect(expr, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.SubqueryExpr:
			ok = false
		case *parser.VectorSelector:
			if n.Timestamp != nil || n.StartOrEnd != 0 || n.OriginalOffset < 0 || n.OriginalOffsetExpr != nil {
				ok = false
			}
			name := ""
			for _, m := range n.LabelMatchers {
				if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
					name = m.Value
				}
			}
			if name == "" || outputs[name] {
				ok = false
			}
		}
		if !ok {
			return errors.New("stop")
		}
		return nil
	})
	return ok
}

func has(m map[int64]promql.Vector, t int64) bool {
	_, ok := m[t]
	return ok
}

// rangeResults is the instant-query result of qs at every step, as
// EngineQueryFunc returns it (a scalar as a sample without labels).
func rangeResults(engine promql.QueryEngine, input storage.Queryable, qs string, start, end time.Time, step time.Duration) (map[int64]promql.Vector, error) {
	q, err := engine.NewRangeQuery(context.Background(), input, nil, qs, start, end, step)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	res := q.Exec(context.Background())
	if res.Err != nil {
		return nil, res.Err
	}
	mat, ok := res.Value.(promql.Matrix)
	if !ok {
		return nil, errors.New("range query result is not a matrix")
	}
	// Sized up front: one entry per step (growing it was ~2% of the CPU).
	out := make(map[int64]promql.Vector, int(end.Sub(start)/step)+1)
	for t := start; !t.After(end); t = t.Add(step) {
		out[t.UnixMilli()] = nil // evaluated, empty unless filled below
	}
	for _, s := range mat {
		for _, p := range s.Floats {
			out[p.T] = append(out[p.T], promql.Sample{Metric: s.Metric, F: p.F, T: p.T, DropName: s.DropName})
		}
		for _, p := range s.Histograms {
			out[p.T] = append(out[p.T], promql.Sample{Metric: s.Metric, H: p.H, T: p.T, DropName: s.DropName})
		}
	}
	return out, nil
}

// result is the result of the rule query qs at t, if the cache has it
// (rules not cached, and queries of templates, run live).
func (c *stepCache) result(qs string, t time.Time) (promql.Vector, bool) {
	if c == nil {
		return nil, false
	}
	if r := c.byQuery[qs]; r != nil {
		if v, ok := r.byTime[t.UnixMilli()]; ok && t.Equal(time.UnixMilli(t.UnixMilli())) {
			// A recording rule rewrites the labels of its result in
			// place.
			return slices.Clone(v), true
		}
	}
	return nil, false
}

// idle reports whether evaluating groups at ts would change nothing: every
// rule is cached with an empty result at ts (and at the previous step, for
// a recording rule: no series to mark stale) and no alert is pending or
// firing. Such an evaluation appends nothing, cannot fail and leaves every
// alert as it is (a resolved alert is only forgotten, which no check sees),
// so it is skipped.
func (c *stepCache) idle(groups []*rules.Group, ts time.Time, evalInterval time.Duration) bool {
	if c == nil {
		return false
	}
	for i, g := range groups {
		t := ts.Add(-g.QueryOffset()).UnixMilli()
		prev := ts.Add(-g.QueryOffset() - evalInterval).UnixMilli()
		for j, r := range g.Rules() {
			if c.perRule[i][j] == nil {
				return false
			}
			byTime := c.perRule[i][j].byTime
			if v, ok := byTime[t]; !ok || len(v) > 0 {
				return false
			}
			switch r := r.(type) {
			case *rules.AlertingRule:
				active := false
				r.ForEachActiveAlert(func(a *rules.Alert) { active = active || a.State != rules.StateInactive })
				if active {
					return false
				}
			default:
				if v, ok := byTime[prev]; ok && len(v) > 0 {
					return false
				}
			}
		}
	}
	return true
}
