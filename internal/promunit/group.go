package promunit

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/rules"
)

// fileShared is what the test groups of a file share.
type fileShared struct {
	opts    Options
	metrics *rules.Metrics
	exprs   *memo[parsedExpr]
	lines   *memo[parsedLine] // MemoryStorage's parsed input lines
	ranges  *rangeMemo        // ShareRanges; nil when off
}

func newFileShared(o Options) *fileShared {
	sh := &fileShared{opts: o, metrics: groupMetrics(), lines: newSeriesLines(), exprs: newExprs(o.ExprText)}
	if o.ShareRanges {
		sh.ranges = newRangeMemo()
	}
	return sh
}

// memLoader hands the rule manager groups already parsed (from memory or
// from files read through an fs.FS) instead of reading files itself.
type memLoader struct {
	groups map[string]*rulefmt.RuleGroups
	exprs  *memo[parsedExpr]
}

func (l memLoader) Load(name string, _ bool, _ model.ValidationScheme) (*rulefmt.RuleGroups, []error) {
	if g, ok := l.groups[name]; ok {
		return g, nil
	}
	return nil, []error{fmt.Errorf("%s: no such rule file", name)}
}

func (l memLoader) Parse(q string) (parser.Expr, error) {
	p := l.exprs.get(q)
	return p.expr, p.err
}

// testGroup is promtool's testGroup.test (cmd/promtool/unittest.go): load
// the input series, load the rule groups into a rule manager, evaluate
// them at every evaluation interval up to the last eval_time, compare the
// firing alerts at each alert_rule_test's eval_time, then run the
// promql_expr_tests on what the storage holds.
//
// fast is where the Options' fast paths come in (fastpaths.go); each of
// its calls below is promtool's way, or nothing, with Reference().
// abandoned means a fast path gave up on this run (out is then to be
// dropped, and the group run again without it: see runGroup).
func testGroup(tf *TestFile, idx int, files []ruleFile, evalInterval time.Duration, order map[string]int, sh *fileShared, fast *groupFastPaths) (out []Failure, abandoned bool) {
	tg := tf.Tests[idx]
	fail := func(f Failure) {
		f.File, f.Test, f.TestName = tf.Name, idx, tg.Name
		out = append(out, f)
	}
	interval := time.Duration(tg.Interval)
	if interval == 0 {
		interval = evalInterval
	}
	mint, err := tg.start()
	if err != nil {
		fail(Failure{Message: err.Error()})
		return out, false
	}

	// The input series, appended up to each evaluation time.
	opts := promqltest.LazyLoaderOpts{EnableAtModifier: true, EnableNegativeOffset: true, Parser: PromQL}
	if tg.StartTimestamp != "" {
		opts.StartTime = mint
	}
	suite, err := newSuite(sh.opts, interval, tg.InputSeries, opts, evalInterval, sh.lines)
	if err != nil {
		fail(Failure{Message: "input_series: " + err.Error()})
		return out, false
	}
	defer func() {
		if err := suite.Close(); err != nil {
			fail(Failure{Message: err.Error()})
		}
	}()

	// The rule groups, loaded by a rule manager as Prometheus loads them.
	loader := memLoader{groups: map[string]*rulefmt.RuleGroups{}, exprs: sh.exprs}
	names := make([]string, len(files))
	for i, f := range files {
		loader.groups[f.name], names[i] = f.groups, f.name
	}
	mopts := &rules.ManagerOptions{
		QueryFunc:    fast.queryFunc(rules.EngineQueryFunc(suite.QueryEngine(), suite.Queryable())),
		AppendableV2: suite.Appendable(),
		Context:      context.Background(),
		NotifyFunc:   func(context.Context, string, ...*rules.Alert) {},
		Logger:       slog.New(slog.DiscardHandler),
		Parser:       PromQL,
		GroupLoader:  loader,
		Metrics:      sh.metrics,
		// Prometheus's, unless the rules hold textExprs (exprtext.go).
		RuleDependencyController: dependencies(sh.opts.ExprText),
	}
	m := rules.NewManager(mopts)
	groupsMap, errs := m.LoadGroups(interval, labels.FromMap(tg.ExternalLabels), tg.ExternalURL, nil, false, names...)
	if len(errs) > 0 {
		for _, e := range errs {
			fail(Failure{Message: e.Error()})
		}
		return out, false
	}
	groups := orderedGroups(groupsMap, order)
	fast.loaded(tg, groups, mopts)
	for _, g := range groups {
		for _, r := range g.Rules() {
			if ar, ok := r.(*rules.AlertingRule); ok {
				// As promtool: pretend the `for` state was restored, so the
				// ALERTS series is written from the first evaluation.
				ar.SetRestored(true)
			}
		}
	}

	checks := alertChecks(tg.AlertRuleTests)
	for _, c := range tg.AlertRuleTests {
		if c.Alertname == "" {
			fail(Failure{EvalTime: c.EvalTime, Message: "an item under alert_rule_test misses required attribute alertname"})
			return out, false
		}
	}

	// Evaluate every group at every step, check the alerts due.
	maxt := mint.Add(maxEvalTime(tg))
	fast.precompute(suite, groups, mint, maxt, evalInterval)
	curr := 0
	for ts := mint; !ts.After(maxt); ts = ts.Add(evalInterval) {
		var evalErrs []string
		suite.WithSamplesTill(ts, func(err error) {
			if err != nil {
				evalErrs = append(evalErrs, err.Error())
				return
			}
			if fast.idle(groups, ts, evalInterval) {
				return
			}
			fast.evaluating(ts)
			for _, g := range groups {
				g.Eval(suite.Context(), ts)
				for _, r := range g.Rules() {
					if r.LastError() != nil {
						evalErrs = append(evalErrs, fmt.Sprintf("rule: %s, time: %s, err: %v", r.Name(), ts.Sub(mint), r.LastError()))
					}
				}
			}
		})
		if fast.abandoned() {
			return nil, true
		}
		if len(evalErrs) > 0 {
			fail(Failure{EvalTime: model.Duration(ts.Sub(mint)), Message: strings.Join(evalErrs, "\n")})
			return out, false
		}
		// A check at eval_time t uses the evaluation at the last ts <= t.
		for curr < len(checks) && ts.Sub(mint) <= time.Duration(checks[curr].at) &&
			time.Duration(checks[curr].at) < ts.Add(evalInterval).Sub(mint) {
			c := checks[curr]
			got, ok := firing(suite.Context(), groups, c.names, fast, mopts)
			if !ok {
				return nil, true
			}
			for _, tc := range c.cases {
				if msg := diffAlerts(expected(tc), got[tc.Alertname]); msg != "" {
					fail(Failure{Alert: tc.Alertname, EvalTime: tc.EvalTime, Message: msg})
				}
			}
			curr++
		}
	}

	// The expression tests, on everything the input and the rules wrote.
	for _, tc := range tg.PromqlExprTests {
		if msg := checkExpr(suite, mint, tc, tf.FuzzyCompare); msg != "" {
			fail(Failure{Expr: tc.Expr, EvalTime: tc.EvalTime, Message: msg})
		}
	}
	return out, false
}

// orderedGroups sorts by group_eval_order, then by file and name (promtool
// leaves the rest in map order; a fixed order keeps failures reproducible).
func orderedGroups(m map[string]*rules.Group, order map[string]int) []*rules.Group {
	out := make([]*rules.Group, 0, len(m))
	for _, g := range m {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *rules.Group) int {
		if d := order[a.Name()] - order[b.Name()]; d != 0 {
			return d
		}
		return strings.Compare(rules.GroupKey(a.File(), a.Name()), rules.GroupKey(b.File(), b.Name()))
	})
	return out
}

type checkAt struct {
	at    model.Duration
	names map[string]bool
	cases []AlertTestCase
}

// alertChecks groups the alert tests by eval_time, in time order.
func alertChecks(tests []AlertTestCase) []checkAt {
	var out []checkAt
	for _, tc := range tests {
		i := slices.IndexFunc(out, func(c checkAt) bool { return c.at == tc.EvalTime })
		if i < 0 {
			out = append(out, checkAt{at: tc.EvalTime, names: map[string]bool{}})
			i = len(out) - 1
		}
		out[i].names[tc.Alertname] = true
		out[i].cases = append(out[i].cases, tc)
	}
	slices.SortFunc(out, func(a, b checkAt) int { return int(a.at - b.at) })
	return out
}

func maxEvalTime(tg TestGroup) time.Duration {
	var d model.Duration
	for _, a := range tg.AlertRuleTests {
		d = max(d, a.EvalTime)
	}
	for _, e := range tg.PromqlExprTests {
		d = max(d, e.EvalTime)
	}
	return time.Duration(d)
}

// firing collects the firing alerts of the named rules, from every group,
// as the original rules give them; false if a fast path cannot tell (see
// groupFastPaths.alert; opts are the rule manager's).
func firing(ctx context.Context, groups []*rules.Group, names map[string]bool, fast *groupFastPaths, opts *rules.ManagerOptions) (map[string][]alertState, bool) {
	got := map[string][]alertState{}
	for _, g := range groups {
		for _, r := range g.Rules() {
			ar, ok := r.(*rules.AlertingRule)
			if !ok || !names[ar.Name()] {
				continue
			}
			stripped := fast.stripped(ar)
			for _, a := range ar.ActiveAlerts() {
				if a.State != rules.StateFiring {
					continue
				}
				if stripped == nil {
					got[ar.Name()] = append(got[ar.Name()], alertState{labels: a.Labels.Copy(), annotations: a.Annotations.Copy()})
					continue
				}
				l, ann, ok := fast.complete(ctx, stripped, a, opts)
				if !ok {
					return nil, false
				}
				got[ar.Name()] = append(got[ar.Name()], alertState{labels: l, annotations: ann})
			}
		}
	}
	return got, true
}

func expected(tc AlertTestCase) []alertState {
	out := make([]alertState, 0, len(tc.ExpAlerts))
	for _, a := range tc.ExpAlerts {
		l := map[string]string{}
		for k, v := range a.ExpLabels {
			l[k] = v
		}
		// The rule manager adds alertname; users do not write it.
		l[labels.AlertName] = tc.Alertname
		out = append(out, alertState{labels: labels.FromMap(l), annotations: labels.FromMap(a.ExpAnnotations)})
	}
	return out
}
