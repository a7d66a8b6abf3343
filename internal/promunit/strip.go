package promunit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"
	"github.com/prometheus/prometheus/template"
)

// stripStats counts, for tests, the test groups run stripped and those
// rerun on the original rules.
var stripStats struct{ stripped, rerun atomic.Int64 }

// runGroup runs a test group: on stripped rules where it can (see
// stripper), and on the rules as loaded if that turns out not exact.
func runGroup(tf *TestFile, idx int, files []ruleFile, evalInterval time.Duration, order map[string]int, sh *fileShared) []Failure {
	out, abandoned := testGroup(tf, idx, files, evalInterval, order, sh, sh.fastPaths(sh.opts.StripTemplates))
	if abandoned {
		stripStats.rerun.Add(1)
		out, _ = testGroup(tf, idx, files, evalInterval, order, sh, sh.fastPaths(false))
	}
	return out
}

// On every evaluation, for every sample of its result, AlertingRule.Eval
// builds and parses a text/template (with Prometheus's whole func map) for
// each rule label and annotation, even plain text — most of the CPU of a
// rule test. A test only reads the annotations of the alerts firing at its
// alert_rule_test times. So, where it is provably the same, a test group
// runs on copies of its alerting rules without annotations (and without
// labels, when every label value is plain text), and the firing alerts are
// completed when checked: the rule labels added back, and the annotations
// expanded exactly as Eval does, from the sample of the rule's last
// evaluation, at its time.
//
// What a stripped rule changes, and why it cannot be seen:
//   - its ALERTS and ALERTS_FOR_STATE series lack the rule labels: no rule
//     reads ALERTS or ALERTS_FOR_STATE (no selector may match them, no
//     template may query anything), no promql_expr_test runs, no input or
//     recorded series is named so, and its alertname belongs to no other
//     rule, so its series collide with no other's;
//   - its alerts are keyed by the sample labels without the rule labels:
//     the same key as the original as long as no sample carries a label the
//     rule sets with another value (the rule's value would override it; two
//     samples could merge into one alert, or collide). Every result of a
//     stripped rule is checked for that, and the test group is rerun on the
//     original rules if it happens;
//   - its annotations are expanded once per check instead of on every
//     evaluation: a firing alert without keep_firing_for was in the result
//     of the rule's last evaluation, so its annotations are those of that
//     sample at that time (keep_firing_for keeps annotations of an older
//     evaluation: such rules are not stripped). Templates calling query are
//     not stripped either: at check time the storage holds what the rules
//     evaluated after this one wrote.
//
// Any doubt at run time (an alert not found in the last result) also
// reruns the test group on the original rules; nothing is reported twice.
type stripper struct {
	byName    map[string]*strippedRule // by alertname (unique among the alerting rules)
	extLabels map[string]string        // as the rules hold them
	extURL    string
	now       time.Time // the evaluation in progress
	abandoned bool
}

// strippedRule is an alerting rule evaluated without its templates.
type strippedRule struct {
	orig  *rules.AlertingRule // as loaded: labels and annotations
	rule  *rules.AlertingRule // the copy evaluated
	plain labels.Labels       // the labels taken off (plain text), or empty
	// The result of the rule's query at its last evaluation, at evalAt.
	last   promql.Vector
	evalAt time.Time
	index  map[uint64]int // alert labels hash -> sample of last (built lazily)
}

// canStrip reports whether the test group tg may run on stripped rules at
// all; groups are every loaded rule group.
func canStrip(tg TestGroup, groups []*rules.Group) bool {
	if len(tg.PromqlExprTests) > 0 || len(tg.AlertRuleTests) == 0 {
		return false
	}
	for _, s := range tg.InputSeries {
		if strings.Contains(s.Series, "ALERTS") {
			return false
		}
	}
	for _, g := range groups {
		for _, r := range g.Rules() {
			if mayReadAlerts(r.Query()) {
				return false
			}
			switch r := r.(type) {
			case *rules.RecordingRule:
				if strings.HasPrefix(r.Name(), "ALERTS") {
					return false
				}
			case *rules.AlertingRule:
				// A template calling query could read ALERTS, or anything
				// written after this rule (conservatively: the word).
				for _, ls := range []labels.Labels{r.Labels(), r.Annotations()} {
					if ls.Validate(func(l labels.Label) error {
						if strings.Contains(l.Value, "query") {
							return errors.New("query")
						}
						return nil
					}) != nil {
						return false
					}
				}
			default:
				return false
			}
		}
	}
	return true
}

// mayReadAlerts reports whether a selector of expr may match ALERTS or
// ALERTS_FOR_STATE: it names one of them, or has no metric name equality.
func mayReadAlerts(expr parser.Expr) bool {
	reads := false
	inspect(expr, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := ""
		for _, m := range vs.LabelMatchers {
			if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
				name = m.Value
			}
		}
		if name == "" || strings.HasPrefix(name, "ALERTS") {
			reads = true
			return errors.New("stop")
		}
		return nil
	})
	return reads
}

// strippable reports whether the alerting rule r may be stripped; count
// is the number of alerting rules by name.
func strippable(r *rules.AlertingRule, count map[string]int) bool {
	if r.KeepFiringFor() != 0 || count[r.Name()] != 1 {
		return false
	}
	templated := false
	r.Labels().Range(func(l labels.Label) { templated = templated || strings.Contains(l.Value, "{{") })
	// A rule with templated labels could keep its labels and lose only its
	// annotations, but its alert identity would then need the expansion
	// too: left as it is.
	return !templated && (r.Labels().Len() > 0 || r.Annotations().Len() > 0)
}

// strip replaces, in groups, the strippable alerting rules by stripped
// copies (in new groups with the same options and rule order); nil when
// nothing is stripped. opts are the rule manager's options.
func strip(tg TestGroup, groups []*rules.Group, opts *rules.ManagerOptions) *stripper {
	if !canStrip(tg, groups) {
		return nil
	}
	count := map[string]int{}
	for _, g := range groups {
		for _, r := range g.Rules() {
			if ar, ok := r.(*rules.AlertingRule); ok {
				count[ar.Name()]++
			}
		}
	}
	extLabels := labels.FromMap(tg.ExternalLabels)
	s := &stripper{byName: map[string]*strippedRule{}, extLabels: extLabels.Map(), extURL: tg.ExternalURL}
	for i, g := range groups {
		rs := g.Rules()
		out := make([]rules.Rule, len(rs))
		changed := false
		for j, r := range rs {
			out[j] = r
			ar, ok := r.(*rules.AlertingRule)
			if !ok || !strippable(ar, count) {
				continue
			}
			// As LoadGroups builds it, minus labels and annotations.
			c := rules.NewAlertingRule(ar.Name(), ar.Query(), ar.HoldDuration(), ar.KeepFiringFor(),
				labels.EmptyLabels(), labels.EmptyLabels(), extLabels, tg.ExternalURL, ar.Restored(), opts.Logger.With("alert", ar.Name()))
			out[j] = c
			s.byName[ar.Name()] = &strippedRule{orig: ar, rule: c, plain: ar.Labels()}
			changed = true
		}
		if !changed {
			continue
		}
		opts.RuleDependencyController.AnalyseRules(out)
		off := g.QueryOffset()
		groups[i] = rules.NewGroup(rules.GroupOptions{
			Name:          g.Name(),
			File:          g.File(),
			Interval:      g.Interval(),
			Limit:         g.Limit(),
			Rules:         out,
			ShouldRestore: true, // as LoadGroups on a new manager
			Opts:          opts,
			QueryOffset:   &off,
		})
	}
	if len(s.byName) == 0 {
		return nil
	}
	stripStats.stripped.Add(1)
	return s
}

// observe sees every query of the rule manager: it keeps the result of a
// stripped rule's own query, and abandons if a sample carries a label the
// rule sets with another value.
func (s *stripper) observe(ctx context.Context, qs string, res promql.Vector) {
	d := rules.FromOriginContext(ctx)
	if d.Kind != rules.KindAlerting || d.Query != qs {
		return
	}
	sr := s.byName[d.Name]
	if sr == nil || d.Labels.Len() != 0 {
		return
	}
	sr.last, sr.evalAt, sr.index = res, s.now, nil
	if sr.plain.Len() == 0 {
		return
	}
	for _, smpl := range res {
		sr.plain.Range(func(l labels.Label) {
			if v := smpl.Metric.Get(l.Name); v != "" && v != l.Value {
				s.abandoned = true
			}
		})
	}
}

// complete returns the labels and annotations the original rule gives the
// alert a of its stripped copy at its last evaluation; false if a is not
// in its result (then the caller reruns unstripped).
func (s *stripper) complete(ctx context.Context, sr *strippedRule, a *rules.Alert, query rules.QueryFunc, externalURL *url.URL) (labels.Labels, labels.Labels, bool) {
	name := sr.orig.Name()
	if sr.index == nil {
		sr.index = make(map[uint64]int, len(sr.last))
		lb := labels.NewBuilder(labels.EmptyLabels())
		for i, smpl := range sr.last {
			lb.Reset(smpl.Metric)
			lb.Del(labels.MetricName)
			lb.Set(labels.AlertName, name)
			sr.index[lb.Labels().Hash()] = i // no duplicates: Eval would have failed
		}
	}
	i, ok := sr.index[a.Labels.Hash()]
	if !ok {
		return labels.EmptyLabels(), labels.EmptyLabels(), false
	}
	smpl := sr.last[i]
	check := labels.NewBuilder(smpl.Metric)
	check.Del(labels.MetricName)
	check.Set(labels.AlertName, name)
	if !labels.Equal(check.Labels(), a.Labels) {
		return labels.EmptyLabels(), labels.EmptyLabels(), false
	}

	// The labels as Eval builds them: the sample's without __name__, the
	// rule's (plain text: expanded to themselves) set over them, alertname.
	lb := labels.NewBuilder(a.Labels)
	sr.plain.Range(func(l labels.Label) { lb.Set(l.Name, l.Value) })
	lb.Set(labels.AlertName, name)

	// The annotations exactly as AlertingRule.Eval expands them.
	tmplData := template.AlertTemplateData(smpl.Metric.Map(), s.extLabels, s.extURL, smpl)
	defs := []string{
		"{{$labels := .Labels}}",
		"{{$externalLabels := .ExternalLabels}}",
		"{{$externalURL := .ExternalURL}}",
		"{{$value := .Value}}",
	}
	ctx = rules.NewOriginContext(ctx, rules.NewRuleDetail(sr.orig))
	expand := func(text string) string {
		if !strings.Contains(text, "{{") {
			return text // the definitions print nothing, the text itself
		}
		tmpl := template.NewTemplateExpander(
			ctx,
			strings.Join(append(defs, text), ""),
			"__alert_"+name,
			tmplData,
			model.Time(timestamp.FromTime(sr.evalAt)),
			template.QueryFunc(query),
			externalURL,
			nil,
		)
		result, err := tmpl.Expand()
		if err != nil {
			result = fmt.Sprintf("<error expanding template: %s>", err)
		}
		return result
	}
	sb := labels.NewScratchBuilder(sr.orig.Annotations().Len())
	sr.orig.Annotations().Range(func(l labels.Label) { sb.Add(l.Name, expand(l.Value)) })
	return lb.Labels(), sb.Labels(), true
}
