package rules

import (
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/slo"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// The SLOs' rules. Each SLO has two groups:
//
//	slo.<name>         the SLI's error ratio over every window an alert
//	                   needs (one recording rule per distinct window, not per
//	                   alert), then one burn-rate alert per window pair of
//	                   each enabled tier, reading them
//	slo.<name>.budget  the error ratio over the compliance window, the
//	                   objective, the budget and the budget remaining, for
//	                   dashboards: evaluated every BudgetInterval (at least),
//	                   since a range of a whole 30d window is the costliest
//	                   query of the SLO and moves slowly
//
// bundled in PrometheusRules under prometheus-rules/slos (see sloObjects).

// SLODashboardUID is the uid of the SLO dashboard the alerts link to.
const SLODashboardUID = "dataops-slos"

// BudgetInterval is the least evaluation interval of a budget group.
const BudgetInterval = time.Minute

// SLOGroups returns the two rule groups of an SLO plan.
func SLOGroups(s *model.Spec, p *slo.Plan) []Group {
	o := p.SLO
	main := Group{RuleGroup: monitoringv1.RuleGroup{Name: "slo." + o.Name}, Source: o.Path()}
	record := func(g *Group, name, expr, source string) {
		g.Rules = append(g.Rules, monitoringv1.Rule{Record: name, Expr: intstr.FromString(expr), Labels: copyLabels(p.Labels)})
		g.RuleSources = append(g.RuleSources, source)
	}
	for _, d := range p.Windows {
		record(&main, slo.RecordName(d), p.SLI.ErrorRatio(d), p.SLI.Path)
	}
	for _, t := range p.Tiers {
		main.Rules = append(main.Rules, sloAlert(s, p, t))
		main.RuleSources = append(main.RuleSources, t.Path)
	}
	budget := Group{RuleGroup: monitoringv1.RuleGroup{Name: "slo." + o.Name + ".budget"}, Source: o.Path()}
	if iv := max(BudgetInterval, time.Duration(model.Seconds(s.Stack.Prometheus.EvaluationInterval)*float64(time.Second))); iv > 0 {
		d := monitoringv1.Duration(slo.Dur(iv))
		budget.Interval = &d
	}
	if !containsDur(p.Windows, p.Window) {
		record(&budget, slo.RecordName(p.Window), p.SLI.ErrorRatio(p.Window), p.SLI.Path)
	}
	record(&budget, slo.ObjectiveRecord, "vector("+slo.Number(p.Objective)+")", o.Path("objective"))
	record(&budget, slo.BudgetRecord, "vector("+slo.Number(p.Budget)+")", o.Path("objective"))
	record(&budget, slo.BudgetRemainingRecord, p.BudgetRemaining(), o.Path("window"))
	return []Group{main, budget}
}

func containsDur(ds []time.Duration, d time.Duration) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

func copyLabels(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// sloAlert is the alert of a tier: one alert per window pair burning
// (labelled long and short), with the tier's severity and `for`.
func sloAlert(s *model.Spec, p *slo.Plan, t slo.Tier) monitoringv1.Rule {
	o := p.SLO
	budgetPct := slo.Number(mulRat(p.Budget, 100)) + "%"
	what := "SLO " + o.Name
	if o.Description != "" {
		what += " (" + stack.TemplateLiteral(o.Description) + ")"
	}
	var thresholds, exhaustion []string
	for _, pr := range t.Pairs {
		f := slo.Number(pr.Factor)
		thresholds = append(thresholds, fmt.Sprintf("%s/%s: %s×", slo.Dur(pr.Long), slo.Dur(pr.Short), f))
		exhaustion = append(exhaustion, fmt.Sprintf("at %s× within %s", f, slo.Dur(p.Exhaustion(pr))))
	}
	desc := fmt.Sprintf("%s, objective %s%% over %s: over the last {{ $labels.long }} its error ratio has been {{ $value | printf \"%%.1f\" }}× its error budget (%s of events), "+
		"and over the last {{ $labels.short }} too above the %s threshold of those windows (%s). The whole %s budget is gone %s.",
		what, slo.Number(mulRat(p.Objective, 100)), slo.Dur(p.Window), budgetPct, t.Name, strings.Join(thresholds, ", "), slo.Dur(p.Window), strings.Join(exhaustion, ", "))
	ann := map[string]string{
		"summary":     fmt.Sprintf("SLO %s burns its error budget {{ $value | printf \"%%.1f\" }}× as fast as its %s window allows ({{ $labels.long }}/{{ $labels.short }})", o.Name, slo.Dur(p.Window)),
		"description": desc,
		"dashboard":   sloDashboardURL(s, o),
	}
	if p.Workload != nil && p.Workload.RunbookURL != "" {
		ann["runbook_url"] = stack.TemplateLiteral(p.Workload.RunbookURL)
	}
	for k, v := range t.Annotations {
		ann[k] = v
	}
	labels := map[string]string{}
	for k, v := range t.Labels {
		labels[k] = v
	}
	labels["severity"], labels["team"], labels[slo.LabelTier] = t.Severity, p.Team, t.Name
	// The SLO's own labels (slo, namespace, workload) come with the
	// recorded series too; stated on the rule, they are what routes, the
	// build's routing summary and the inhibit rule's `equal: [slo]` can be
	// checked against without evaluating it.
	for k, v := range p.Labels {
		labels[k] = v
	}
	r := monitoringv1.Rule{
		Alert:       t.Alert,
		Expr:        intstr.FromString(p.AlertExpr(t)),
		Labels:      labels,
		Annotations: ann,
	}
	if t.For > 0 {
		d := monitoringv1.Duration(t.ForText)
		r.For = &d
	}
	return r
}

func sloDashboardURL(s *model.Spec, o *model.SLO) string {
	q := url.Values{}
	q.Set("var-slo", o.Name)
	return stack.TemplateLiteral(s.Stack.Grafana.URL) + "/d/" + SLODashboardUID + "?" + q.Encode()
}

// SLODir holds the SLOs' PrometheusRules.
const SLODir = Dir + "slos"

// sloObjects bundles the SLOs' groups: prometheus-rules/slos.yaml
// (PrometheusRule dataops-slos), split as the workloads' objects are
// (bundle.go) when too big: a part starts at an SLO whose name hashes to 0
// modulo 32 (then 8, 2, 1), named slos.<first SLO>.yaml; an SLO's two
// groups always stay together.
func sloObjects(s *model.Spec) []Object {
	var units [][]Group
	var names []string
	var sizes []int
	for _, p := range slo.Plans(s) {
		gs := SLOGroups(s, p)
		size := 0
		for _, g := range gs {
			size += groupSize(g)
		}
		units, names, sizes = append(units, gs), append(names, p.SLO.Name), append(sizes, size)
	}
	if len(units) == 0 {
		return nil
	}
	var out []Object
	for _, part := range splitUnits(sizes, names, 0, len(units), partModuli) {
		name, path := "dataops-slos", SLODir+".yaml"
		if part[0] > 0 {
			name += "." + names[part[0]]
			path = SLODir + "." + names[part[0]] + ".yaml"
		}
		var groups []Group
		for _, u := range units[part[0]:part[1]] {
			groups = append(groups, u...)
		}
		out = append(out, object(s, name, path, groups...))
	}
	return out
}

// splitUnits is split for SLO units [from, to): half-open index ranges.
func splitUnits(sizes []int, names []string, from, to int, moduli []uint32) [][2]int {
	total := 0
	for _, n := range sizes[from:to] {
		total += n
	}
	if total <= MaxObjectBytes || to-from == 1 || len(moduli) == 0 {
		return [][2]int{{from, to}}
	}
	var out [][2]int
	start := from
	for i := from + 1; i <= to; i++ {
		if i == to || startsPart(names[i], moduli[0]) {
			out = append(out, splitUnits(sizes, names, start, i, moduli[1:])...)
			start = i
		}
	}
	return out
}

func mulRat(r *big.Rat, n int64) *big.Rat { return new(big.Rat).Mul(r, big.NewRat(n, 1)) }
