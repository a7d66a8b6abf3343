package ruletests

import (
	"errors"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// parsedGroups is what promunit.ParseRules gives for the plain rule file of
// g (`groups: [g]`, as workloadFiles marshals it), without the YAML round
// trip: the rule tests run on it in-process (artifact.File.Value). ok is
// false when g has something this conversion does not know or that does not
// parse (a field rulefmt rejects, a bad duration): the file is then parsed
// from its bytes, which reports the problem as before. TestValuesAreTheFiles
// checks that the two agree.
//
// rulefmt's validation (PromQL, label names, templates) is not repeated
// here: the rules/parse check runs rulefmt.Parse on every group of every
// generated PrometheusRule, and g is the group of the workload's
// PrometheusRule (rules.WorkloadGroup; TestRuleFilesAreThePrometheusRules).
// The rule manager parses every expression again when it loads the groups.
func parsedGroups(g monitoringv1.RuleGroup) (_ []rulefmt.RuleGroup, ok bool) {
	// rulefmt decodes with known fields only: these have no rulefmt field.
	if g.PartialResponseStrategy != "" {
		return nil, false
	}
	var errs []error
	dur := func(d *monitoringv1.Duration) prommodel.Duration {
		if d == nil {
			return 0
		}
		v, err := prommodel.ParseDuration(string(*d))
		errs = append(errs, err)
		return v
	}
	out := rulefmt.RuleGroup{Name: g.Name, Interval: dur(g.Interval), Labels: nonEmpty(g.Labels)}
	if g.QueryOffset != nil {
		o := dur(g.QueryOffset)
		out.QueryOffset = &o
	}
	if g.Limit != nil {
		out.Limit = *g.Limit
	}
	for _, r := range g.Rules {
		if r.Expr.Type != intstr.String {
			return nil, false // an int expr is not worth a conversion rule
		}
		pr := rulefmt.Rule{
			Record:      r.Record,
			Alert:       r.Alert,
			Expr:        r.Expr.String(),
			For:         dur(r.For),
			Labels:      nonEmpty(r.Labels),
			Annotations: nonEmpty(r.Annotations),
		}
		if r.KeepFiringFor != nil {
			kf := monitoringv1.Duration(*r.KeepFiringFor)
			pr.KeepFiringFor = dur(&kf)
		}
		out.Rules = append(out.Rules, pr)
	}
	if errors.Join(errs...) != nil {
		return nil, false
	}
	return []rulefmt.RuleGroup{out}, true
}

// nonEmpty is m as decoded from a field marshalled with omitempty.
func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
