package checks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/common/model"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/internal/alertroute"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/slo"
)

var sloInhibition = Check{
	Name: "slo/inhibition",
	Doc: "No SLO's burn-rate alert is silenced by another SLO's: Alertmanager's own inhibitor, with the generated " +
		"configuration (the chart's inhibit rules kept and ours), holds an SLO's ticket only while that SLO's page fires. The " +
		"severity rules (the chart's, scoped by workload) hold an alert while one of the same alertname, namespace and workload with a " +
		"higher severity fires: two SLOs of one workload whose tickets (or pages) have different severities would hide one's alerts " +
		"whenever the other's fire. Reported at the severity of the one held.",
	Run: func(in *Input) diag.List {
		var out diag.List
		alerts := sloAlertLabels(in)
		if len(alerts) < 2 {
			return out
		}
		// The Alertmanager config of the generated values, as the generator typed it.
		pv := in.values()
		if pv.typed == nil {
			return out // values/parse reports values without their typed value
		}
		text, err := yaml.Marshal(pv.typed.Alertmanager.Config)
		if err != nil {
			return out
		}
		router, err := alertroute.Load(string(text))
		if err != nil {
			return out // alertmanager/config reports it
		}
		reported := map[string]bool{}
		for _, cr := range router.Config().InhibitRules {
			if slices.Contains(cr.Equal, slo.LabelSLO) {
				continue // holds alerts of one SLO only
			}
			rule := inhibit.NewInhibitRule(cr)
			// The rule's sources by their values of its equal labels: a
			// target can only be held by those with its own.
			sources := map[string][]sloAlert{}
			for _, a := range alerts {
				if rule.SourceMatchers.Matches(a.labels) {
					k := equalKey(cr.Equal, a.labels)
					sources[k] = append(sources[k], a)
				}
			}
			for _, target := range alerts {
				if !rule.TargetMatchers.Matches(target.labels) {
					continue
				}
				for _, source := range sources[equalKey(cr.Equal, target.labels)] {
					key := target.key() + "\x00" + source.plan.SLO.Name
					if source.plan == target.plan || reported[key] {
						continue
					}
					// Alertmanager's inhibitor decides.
					if muted, err := router.Muted(target.labels, source.labels); err != nil || !muted {
						continue
					}
					reported[key] = true
					out.Add(in.Spec.Pos(target.plan.SLO.Path("alerting", target.tier, "severity")), "slo/inhibition",
						"SLO %s's %s (severity %s) is silenced by Alertmanager whenever SLO %s's %s (severity %s) fires: the inhibit rule {%s} holds %s; give them the same severity",
						target.plan.SLO.Name, target.tier, target.labels["severity"], source.plan.SLO.Name, source.tier, source.labels["severity"],
						inhibitRuleString(rule.SourceMatchers.String(), rule.TargetMatchers.String(), cr.Equal), holds(cr.Equal, target.labels))
				}
			}
		}
		return out
	},
}

// sloAlert is an SLO's alert rule: its tier and the labels its alerts
// carry whatever the series (the rule's, with alertname).
type sloAlert struct {
	plan   *slo.Plan
	tier   string
	labels model.LabelSet
}

func (a sloAlert) key() string { return a.plan.SLO.Name + "/" + a.tier }

// sloAlertLabels are the SLOs' alert rules as generated.
func sloAlertLabels(in *Input) []sloAlert {
	plans := map[string]*slo.Plan{}
	for _, p := range sloPlans(in) {
		plans[p.SLO.Name] = p
	}
	var out []sloAlert
	for _, r := range in.rules() {
		if r.Extra || (r.Rule.Alert != slo.PageAlert && r.Rule.Alert != slo.TicketAlert) {
			continue
		}
		p := plans[r.Rule.Labels[slo.LabelSLO]]
		if p == nil {
			continue
		}
		ls := model.LabelSet{"alertname": model.LabelValue(r.Rule.Alert)}
		for k, v := range r.Rule.Labels {
			ls[model.LabelName(k)] = model.LabelValue(v)
		}
		out = append(out, sloAlert{plan: p, tier: r.Rule.Labels[slo.LabelTier], labels: ls})
	}
	return out
}

// equalKey are a's values of the equal labels (absent is "", as in
// Alertmanager).
func equalKey(equal []string, a model.LabelSet) string {
	var b strings.Builder
	for _, name := range equal {
		b.WriteString(string(a[model.LabelName(name)]))
		b.WriteByte(0)
	}
	return b.String()
}

func inhibitRuleString(source, target string, equal []string) string {
	return fmt.Sprintf("source_matchers: %s, target_matchers: %s, equal: [%s]", source, target, strings.Join(equal, ", "))
}

// holds says what a rule holds of alert a: any alert it targets, or the
// ones that agree with a source on its equal labels (a's values named).
func holds(equal []string, a model.LabelSet) string {
	if len(equal) == 0 {
		return "any alert it targets while one of its sources fires"
	}
	vals := make([]string, len(equal))
	for i, name := range equal {
		vals[i] = name + "=" + strconv.Quote(string(a[model.LabelName(name)]))
	}
	return "an alert while a source with the same " + strings.Join(equal, ", ") + " fires, and both alerts have " + strings.Join(vals, ", ")
}
