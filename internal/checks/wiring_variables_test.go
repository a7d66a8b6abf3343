package checks_test

import (
	"testing"
)

func TestWiringDashboardVariables(t *testing.T) {
	famRunCases(t, "wiring/dashboard-variables", famBase+`
extraPanels: [{
	title: "ok"
	expr: "sum by (pod) (rate(x{namespace=~\"${namespace:regex}\", pod=~\"[[pod]]\"}[$__rate_interval])) / $__range_s + label_replace(y, \"a\", \"$1\", \"b\", \"(.*)\")"
}, {
	title: "bad"
	expr: "up{cluster=\"$cluster\", namespace=~\"$namespace\"}"
}, {
	title: "bad builtin"
	datasource: "loki"
	expr: "{namespace=\"ml\"} |= \"$__interval_typo\""
}]
`, []famCase{
		{
			name: "spec",
			want: []string{
				`spec.cue:58:2: wiring/dashboard-variables: panel "bad" uses $cluster, which the dashboard does not define (variables: $namespace, $workload, $pod): Grafana sends it as literal text`,
				`spec.cue:62:2: wiring/dashboard-variables: panel "bad builtin" uses $__interval_typo, which is not a Grafana built-in variable`,
			},
		},
		{
			name: "variable query",
			edit: famEditCase(famDash, `"query": "label_values(up{namespace=~\"$namespace\", workload=~\"$workload\"}, pod)"`,
				`"query": "label_values(up{namespace=~\"$ns\", workload=~\"$workload\"}, pod)"`),
			want: []string{`spec.cue:7:1: wiring/dashboard-variables: variable "pod" uses $ns, which the dashboard does not define`, "$cluster", "$__interval_typo"},
		},
		{
			name: "self reference",
			edit: famEditCase(famDash, `"query": "label_values(up{namespace=~\"$namespace\", workload=~\"$workload\"}, pod)"`,
				`"query": "label_values(up{pod=~\"$pod\"}, pod)"`),
			want: []string{`variable "pod" refers to itself in its query`, "$cluster", "$__interval_typo"},
		},
	})
}
