package promstack

import (
	"slices"
	"strings"

	"github.com/prometheus/alertmanager/matcher/compat"

	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// ChartInhibitRules are kube-prometheus-stack's own inhibit rules, as its
// values.yaml sets alertmanager.config.inhibit_rules
// (prometheus-community/helm-charts, charts/kube-prometheus-stack/values.yaml
// at tag kube-prometheus-stack-88.5.3, the chart e2e/testdata/charts pins;
// the render test compares this list with the chart's). Helm merges maps
// but replaces lists: a values file that sets inhibit_rules drops these
// unless it repeats them. The last two are what the chart's InfoInhibitor
// alert is for (its rule "general.rules"): it fires while an info alert
// does, so that info alerts reach nobody unless a warning or critical of
// the same namespace fires, and is itself inhibited by any other alert.
func ChartInhibitRules() []InhibitRule {
	return []InhibitRule{{
		SourceMatchers: []string{"severity = critical"},
		TargetMatchers: []string{"severity =~ warning|info"},
		Equal:          []string{"namespace", "alertname"},
	}, {
		SourceMatchers: []string{"severity = warning"},
		TargetMatchers: []string{"severity = info"},
		Equal:          []string{"namespace", "alertname"},
	}, {
		SourceMatchers: []string{"alertname = InfoInhibitor"},
		TargetMatchers: []string{"severity = info"},
		Equal:          []string{"namespace"},
	}, {
		TargetMatchers: []string{"alertname = InfoInhibitor"},
	}}
}

// OwnInhibitRules are dataopsgen's inhibit rules: the chart's two severity
// rules, scoped to one workload. Every generated alert carries the workload
// label; the chart's own alerts carry none, and Alertmanager counts a label
// absent from both alerts as equal, so for them these decide exactly as the
// chart's rules do.
func OwnInhibitRules() []InhibitRule {
	return []InhibitRule{{
		// A critical alert silences the warning of the same problem.
		SourceMatchers: []string{`severity = "critical"`},
		TargetMatchers: []string{`severity =~ "warning|info"`},
		Equal:          []string{"namespace", "alertname", stack.LabelWorkload},
	}, {
		SourceMatchers: []string{`severity = "warning"`},
		TargetMatchers: []string{`severity = "info"`},
		Equal:          []string{"namespace", "alertname", stack.LabelWorkload},
	}}
}

// MergeInhibitRules returns the inhibit rules the generated values set:
// the chart's rules in the chart's order, then own. An own rule with the
// same source and target matchers as a chart rule (compared as Alertmanager
// parses them) and a superset of its equal labels refines that rule and
// takes its place (a repeat of a rule is a refinement of it too): with both, the chart's broader rule would let one
// workload's critical alert silence another workload's warning of the same
// name in the namespace, which is what the refinement is for. Everything else is appended, so rules other generators add (own) are never lost.
func MergeInhibitRules(chart, own []InhibitRule) []InhibitRule {
	out := slices.Clone(chart)
	for _, r := range own {
		merged := false
		for i, c := range out {
			if !sameMatchers(r.SourceMatchers, c.SourceMatchers) || !sameMatchers(r.TargetMatchers, c.TargetMatchers) {
				continue
			}
			if subset(c.Equal, r.Equal) {
				out[i] = r
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, r)
		}
	}
	return out
}

// sameMatchers reports whether two matcher lists are the same set once
// parsed as Alertmanager's config parses them (`severity = critical` and
// `severity="critical"` are one matcher). A list that does not parse is
// only the same as an identical list.
func sameMatchers(a, b []string) bool {
	na, okA := normalMatchers(a)
	nb, okB := normalMatchers(b)
	if !okA || !okB {
		return slices.Equal(a, b)
	}
	return slices.Equal(na, nb)
}

func normalMatchers(ms []string) ([]string, bool) {
	out := make([]string, 0, len(ms))
	for _, s := range ms {
		m, err := compat.Matcher(s, "dataopsgen")
		if err != nil {
			return nil, false
		}
		out = append(out, m.String())
	}
	slices.SortFunc(out, strings.Compare)
	return slices.Compact(out), true
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
