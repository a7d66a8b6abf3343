package ruletest

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/rules"
)

// PromQL is the parser rules are loaded and evaluated with: promtool's
// default (no feature flags).
var PromQL = parser.NewParser(parser.Options{})

// Failure is one failed check (or an error that stopped a test group).
type Failure struct {
	File     string         // test file name
	Test     int            // index in the file's `tests`
	TestName string         // the test group's name, if any
	Alert    string         // alertname of a failed alert_rule_test
	Expr     string         // expression of a failed promql_expr_test
	EvalTime model.Duration // when the failed check was made
	Message  string         // readable diff or error
}

func (f Failure) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: tests[%d]", f.File, f.Test)
	if f.TestName != "" {
		fmt.Fprintf(&b, " %q", f.TestName)
	}
	switch {
	case f.Alert != "":
		fmt.Fprintf(&b, ": alert %s at %s", f.Alert, f.EvalTime)
	case f.Expr != "":
		fmt.Fprintf(&b, ": expr %q at %s", f.Expr, f.EvalTime)
	}
	return b.String() + ":\n" + indent(f.Message, "    ")
}

// ruleFile is one loaded rule file.
type ruleFile struct {
	name   string
	groups *rulefmt.RuleGroups
}

// Run runs every test group of tf against the given rule groups (tf.RuleFiles
// is not read: the caller already has the rules, e.g. generated in memory).
func Run(tf *TestFile, groups []rulefmt.RuleGroup) []Failure { return Fast().Run(tf, groups) }

// RunFile runs a test file from disk; rule_files are relative to its
// directory and may be globs, as with promtool.
func RunFile(name string) []Failure { return Fast().RunFile(name) }

// RunFS runs the test file name of fsys (e.g. a generated overlay held in
// memory); rule_files are resolved inside fsys, relative to the test file.
func RunFS(fsys fs.FS, name string) []Failure { return Fast().RunFS(fsys, name) }

// RunParsed runs a test file already parsed exactly as RunFS runs the file
// it was parsed from (see Options.RunParsed).
func RunParsed(fsys fs.FS, tf *TestFile, parsed func(path string) ([]rulefmt.RuleGroup, bool)) []Failure {
	return Fast().RunParsed(fsys, tf, parsed)
}

// Run is the package's Run with these options.
func (o Options) Run(tf *TestFile, groups []rulefmt.RuleGroup) []Failure {
	return o.run(tf, []ruleFile{{name: "rules", groups: &rulefmt.RuleGroups{Groups: groups}}})
}

// RunFile is the package's RunFile with these options.
func (o Options) RunFile(name string) []Failure {
	data, err := os.ReadFile(name)
	if err != nil {
		return []Failure{{File: name, Message: err.Error()}}
	}
	return o.runWith(name, data, filepath.Dir(name), os.ReadFile, func(p string) ([]string, error) {
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(name), p)
		}
		return filepath.Glob(p)
	})
}

// RunFS is the package's RunFS with these options.
func (o Options) RunFS(fsys fs.FS, name string) []Failure {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return []Failure{{File: name, Message: err.Error()}}
	}
	read := func(p string) ([]byte, error) { return fs.ReadFile(fsys, p) }
	return o.runWith(name, data, path.Dir(name), read, func(p string) ([]string, error) {
		return fs.Glob(fsys, path.Join(path.Dir(name), p))
	})
}

// ParseRules parses a rule file (`groups: [...]`) as Prometheus does.
func ParseRules(name string, data []byte) ([]rulefmt.RuleGroup, error) {
	rgs, errs := rulefmt.Parse(data, false, model.UTF8Validation, PromQL, slog.New(slog.DiscardHandler))
	if len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Error()
		}
		return nil, fmt.Errorf("%s: %s", name, strings.Join(msgs, "; "))
	}
	return rgs.Groups, nil
}

// RunParsed runs a test file already parsed exactly as RunFS runs the file
// it was parsed from: tf is what Parse returns for the file tf.Name of fsys
// (e.g. the value a generator marshalled it from), its rule_files are
// resolved in fsys relative to it, and a matched rule file is taken from
// parsed when it has it — what ParseRules returns for its bytes, which
// includes rulefmt's validation: the caller vouches for both — and read and
// parsed otherwise. It saves reading back what was just written.
func (o Options) RunParsed(fsys fs.FS, tf *TestFile, parsed func(path string) ([]rulefmt.RuleGroup, bool)) []Failure {
	if err := tf.check(); err != nil {
		return []Failure{{File: tf.Name, Message: err.Error()}}
	}
	name := tf.Name
	read := func(p string) ([]rulefmt.RuleGroup, error) {
		if g, ok := parsed(p); ok {
			return g, nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		return ParseRules(p, b)
	}
	return o.runParsed(tf, path.Dir(name), read, func(p string) ([]string, error) {
		return fs.Glob(fsys, path.Join(path.Dir(name), p))
	})
}

func (o Options) runWith(name string, data []byte, dir string, read func(string) ([]byte, error), glob func(string) ([]string, error)) []Failure {
	tf, err := Parse(name, data)
	if err != nil {
		return []Failure{{File: name, Message: err.Error()}}
	}
	return o.runParsed(tf, dir, func(p string) ([]rulefmt.RuleGroup, error) {
		b, err := read(p)
		if err != nil {
			return nil, err
		}
		return ParseRules(p, b)
	}, glob)
}

// runParsed loads the rule files of tf (load reads and parses one) and runs it.
func (o Options) runParsed(tf *TestFile, dir string, load func(string) ([]rulefmt.RuleGroup, error), glob func(string) ([]string, error)) []Failure {
	name := tf.Name
	var files []ruleFile
	for _, pattern := range tf.RuleFiles {
		matches, err := glob(pattern)
		if err != nil {
			return []Failure{{File: name, Message: fmt.Sprintf("rule_files %q: %v", pattern, err)}}
		}
		// promtool only warns; a test without its rules can only mislead.
		if len(matches) == 0 {
			return []Failure{{File: name, Message: fmt.Sprintf("rule_files %q: no file matches (relative to %s)", pattern, dir)}}
		}
		for _, m := range matches {
			groups, err := load(m)
			if err != nil {
				return []Failure{{File: name, Message: err.Error()}}
			}
			files = append(files, ruleFile{name: m, groups: &rulefmt.RuleGroups{Groups: groups}})
		}
	}
	return o.run(tf, files)
}

func (o Options) run(tf *TestFile, files []ruleFile) []Failure {
	evalInterval := time.Duration(tf.EvaluationInterval)
	if evalInterval == 0 {
		evalInterval = time.Minute // promtool's default
	}
	order := map[string]int{}
	for i, g := range tf.GroupEvalOrder {
		if _, dup := order[g]; dup {
			return []Failure{{File: tf.Name, Message: "group name repeated in evaluation order: " + g}}
		}
		order[g] = i
	}
	// Callers run many files at once (a build, every workload's): only a
	// few at a time get this far, so that what a file holds while its
	// groups run (memos, goroutines) exists for those few, not for all.
	fileSem <- struct{}{}
	defer func() { <-fileSem }()
	// Test groups are independent (each has its own storage, engine and
	// rule manager): run them concurrently, report in file order.
	results := make([][]Failure, len(tf.Tests))
	sh := &fileShared{opts: o, metrics: groupMetrics(), lines: newSeriesLines(), exprs: newExprs(o.ExprText)}
	if o.ShareRanges {
		sh.ranges = newRangeMemo()
	}
	var wg sync.WaitGroup
	for i := range tf.Tests {
		wg.Add(1)
		onWorker(func() {
			defer wg.Done()
			results[i] = runGroup(tf, i, files, evalInterval, order, sh)
		})
	}
	wg.Wait()
	return slices.Concat(results...)
}

// workers run the test groups, at most this many at once over every
// caller: opening a TSDB waits on the disk, hence twice as many as there
// are CPUs. They live as long as the process (blocked on groupJobs when
// idle) rather than a goroutine per group: evaluating a group grows the
// stack to tens of kilobytes (the engine's recursion), which a new
// goroutine does again by copying its stack at each doubling.
var workers = 2 * runtime.GOMAXPROCS(0)

var (
	groupJobs    = make(chan func())
	startWorkers sync.Once
)

// onWorker runs f on a worker, once one is free.
func onWorker(f func()) {
	startWorkers.Do(func() {
		for range workers {
			go func() {
				for f := range groupJobs {
					f()
				}
			}()
		}
	})
	groupJobs <- f
}

// fileSem bounds the files running at once; each runs its groups on the
// workers.
var fileSem = make(chan struct{}, 2*runtime.GOMAXPROCS(0))

// groupMetrics are the rule managers' metrics, never exported, shared by
// every test group of the process as Prometheus shares them between the
// groups of its manager: a set costs ~94 KB (the summaries' quantile
// streams), more than evaluating a group, and a set per file held 94 MB at
// 1,000 workloads. What stays behind is a few gauge and counter entries
// per rule group.
var groupMetrics = sync.OnceValue(func() *rules.Metrics { return rules.NewGroupMetrics(nil) })

// fileShared is what the test groups of a file share.
type fileShared struct {
	opts    Options
	metrics *rules.Metrics
	lines   *memo[parsedLine]
	exprs   *memo[parsedExpr]
	ranges  *rangeMemo
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

// runGroup is promtool's testGroup.test: on stripped rules where it can
// (see stripper), and on the rules as loaded if that turns out not exact.
func runGroup(tf *TestFile, idx int, files []ruleFile, evalInterval time.Duration, order map[string]int, sh *fileShared) []Failure {
	out, rerun := runGroupOnce(tf, idx, files, evalInterval, order, sh, sh.opts.StripTemplates)
	if rerun {
		stripStats.rerun.Add(1)
		out, _ = runGroupOnce(tf, idx, files, evalInterval, order, sh, false)
	}
	return out
}

// runGroupOnce runs the test group, with its alerting rules stripped of
// their templates where possible if stripping; rerun means the stripped
// run was abandoned (out is then to be dropped).
func runGroupOnce(tf *TestFile, idx int, files []ruleFile, evalInterval time.Duration, order map[string]int, sh *fileShared, stripping bool) (out []Failure, rerun bool) {
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

	loader := memLoader{groups: map[string]*rulefmt.RuleGroups{}, exprs: sh.exprs}
	names := make([]string, len(files))
	for i, f := range files {
		loader.groups[f.name], names[i] = f.groups, f.name
	}
	// The rules are parsed by LoadGroups, the results cached after it.
	query := rules.EngineQueryFunc(suite.QueryEngine(), suite.Queryable())
	var st *stripper
	mopts := &rules.ManagerOptions{
		QueryFunc: func(ctx context.Context, qs string, t time.Time) (promql.Vector, error) {
			res, err := query(ctx, qs, t)
			if st != nil && err == nil {
				st.observe(ctx, qs, res)
			}
			return res, err
		},
		AppendableV2: suite.Appendable(),
		Context:      context.Background(),
		NotifyFunc:   func(context.Context, string, ...*rules.Alert) {},
		Logger:       slog.New(slog.DiscardHandler),
		Parser:       PromQL,
		GroupLoader:  loader,
		Metrics:      sh.metrics,
		// The rules hold textExprs: see noDependencies.
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
	if stripping {
		st = strip(tg, groups, mopts)
	}
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
	maxt := mint.Add(maxEvalTime(tg))
	var cache *stepCache
	if sh.opts.Precompute {
		cache = newStepCache(suite.QueryEngine(), suite.input(), groups, mint, maxt, evalInterval, sh.ranges, sh.opts.DeriveRecords)
	}
	query = cache.queryFunc(query)
	curr := 0
	for ts := mint; !ts.After(maxt); ts = ts.Add(evalInterval) {
		var evalErrs []string
		suite.WithSamplesTill(ts, func(err error) {
			if err != nil {
				evalErrs = append(evalErrs, err.Error())
				return
			}
			if cache.idle(groups, ts, evalInterval) {
				return
			}
			if st != nil {
				st.now = ts
			}
			for _, g := range groups {
				g.Eval(suite.Context(), ts)
				for _, r := range g.Rules() {
					if r.LastError() != nil {
						evalErrs = append(evalErrs, fmt.Sprintf("rule: %s, time: %s, err: %v", r.Name(), ts.Sub(mint), r.LastError()))
					}
				}
			}
		})
		if st != nil && st.abandoned {
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
			got, ok := firing(suite.Context(), groups, c.names, st, mopts)
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
	for _, tc := range tg.PromqlExprTests {
		if msg := checkExpr(suite, mint, tc, tf.FuzzyCompare); msg != "" {
			fail(Failure{Expr: tc.Expr, EvalTime: tc.EvalTime, Message: msg})
		}
	}
	return out, false
}

func loadCommand(interval time.Duration, series []Series) string {
	var b strings.Builder
	fmt.Fprintf(&b, "load %s\n", model.Duration(interval))
	for _, s := range series {
		fmt.Fprintf(&b, "  %s %s\n", s.Series, s.Values)
	}
	return b.String()
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
// as the original rules give them; false if an alert of a stripped rule
// cannot be completed (st may be nil; opts are the rule manager's).
func firing(ctx context.Context, groups []*rules.Group, names map[string]bool, st *stripper, opts *rules.ManagerOptions) (map[string][]alertState, bool) {
	got := map[string][]alertState{}
	for _, g := range groups {
		for _, r := range g.Rules() {
			ar, ok := r.(*rules.AlertingRule)
			if !ok || !names[ar.Name()] {
				continue
			}
			var sr *strippedRule
			if st != nil {
				if sr = st.byName[ar.Name()]; sr != nil && sr.rule != ar {
					sr = nil
				}
			}
			for _, a := range ar.ActiveAlerts() {
				if a.State != rules.StateFiring {
					continue
				}
				if sr == nil {
					got[ar.Name()] = append(got[ar.Name()], alertState{labels: a.Labels.Copy(), annotations: a.Annotations.Copy()})
					continue
				}
				l, ann, ok := st.complete(ctx, sr, a, opts.QueryFunc, opts.ExternalURL)
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

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
