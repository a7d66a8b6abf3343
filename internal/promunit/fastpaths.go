package promunit

import (
	"context"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/rules"
)

// groupFastPaths is where the Options' fast paths enter the run of one
// test group: testGroup (group.go), promtool's way, calls it at each point
// where one of them changes how something is computed, never what. With
// Reference() every call is a no-op or hands back promtool's value.
//
// The fast paths, each in its own file:
//   - MemoryStorage (memstore.go) and InputLayer (inputlayer.go): the
//     storage, chosen by newSuite (suite.go);
//   - ParseCache (parsecache.go): the memory storage's engines' parser;
//   - ExprText (exprtext.go): the rules' expressions, parsed by the
//     file's memo (memo.go), and the rule managers' dependency controller;
//   - Precompute (precompute.go), DeriveRecords (derived.go) and
//     ShareRanges (rangememo.go): the rule queries' step cache, here;
//   - StripTemplates (strip.go): the alerting rules' templates, here.
type groupFastPaths struct {
	opts   Options
	ranges *rangeMemo // the file's shared range results (ShareRanges)
	strip  bool       // StripTemplates, unless this is the rerun without it
	// Set as the run goes: nil when off or when there is nothing to do.
	stripper *stripper
	steps    *stepCache
}

// fastPaths are the fast paths of one run of a test group of the file;
// strip is false for the rerun of an abandoned stripped run.
func (sh *fileShared) fastPaths(strip bool) *groupFastPaths {
	return &groupFastPaths{opts: sh.opts, ranges: sh.ranges, strip: strip}
}

// queryFunc is the rule manager's QueryFunc: live, except where the step
// cache has the result; the stripper sees every result.
func (f *groupFastPaths) queryFunc(live rules.QueryFunc) rules.QueryFunc {
	return func(ctx context.Context, qs string, t time.Time) (promql.Vector, error) {
		res, ok := f.steps.result(qs, t)
		var err error
		if !ok {
			res, err = live(ctx, qs, t)
		}
		if f.stripper != nil && err == nil {
			f.stripper.observe(ctx, qs, res)
		}
		return res, err
	}
}

// loaded sees the rule groups the manager loaded, in evaluation order,
// and may replace alerting rules in them by copies without templates.
// mopts are the manager's options.
func (f *groupFastPaths) loaded(tg TestGroup, groups []*rules.Group, mopts *rules.ManagerOptions) {
	if f.strip {
		f.stripper = strip(tg, groups, mopts)
	}
}

// precompute runs the rules' queries over [mint, maxt] ahead of the
// evaluations, where they can be.
func (f *groupFastPaths) precompute(s suite, groups []*rules.Group, mint, maxt time.Time, evalInterval time.Duration) {
	if f.opts.Precompute {
		f.steps = newStepCache(s.QueryEngine(), s.input(), groups, mint, maxt, evalInterval, f.ranges, f.opts.DeriveRecords)
	}
}

// idle reports whether evaluating groups at ts can be skipped.
func (f *groupFastPaths) idle(groups []*rules.Group, ts time.Time, evalInterval time.Duration) bool {
	return f.steps.idle(groups, ts, evalInterval)
}

// evaluating is told the time of the evaluation about to run.
func (f *groupFastPaths) evaluating(ts time.Time) {
	if f.stripper != nil {
		f.stripper.now = ts
	}
}

// abandoned reports whether this run is to be dropped and the group rerun
// on its rules as loaded.
func (f *groupFastPaths) abandoned() bool {
	return f.stripper != nil && f.stripper.abandoned
}

// stripped is the stripped rule ar is, nil if it is a rule as loaded.
func (f *groupFastPaths) stripped(ar *rules.AlertingRule) *strippedRule {
	if f.stripper == nil {
		return nil
	}
	if sr := f.stripper.byName[ar.Name()]; sr != nil && sr.rule == ar {
		return sr
	}
	return nil
}

// complete returns the labels and annotations the rule as loaded gives
// the alert a of its stripped copy sr; false if it cannot tell (the run
// is then abandoned).
func (f *groupFastPaths) complete(ctx context.Context, sr *strippedRule, a *rules.Alert, mopts *rules.ManagerOptions) (labels.Labels, labels.Labels, bool) {
	return f.stripper.complete(ctx, sr, a, mopts.QueryFunc, mopts.ExternalURL)
}
