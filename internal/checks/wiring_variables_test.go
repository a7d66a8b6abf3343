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

// TestGeneratedPanelAtItsWorkload: a problem of a generated panel is
// reported at the workload the panel shows (the generator's
// dashboards.Source), not at the dashboard file's source (workloads,
// spec.cue:7:1): the loss panel is the trainer's (8:2), the latency panel
// resnet's (15:2).
func TestGeneratedPanelAtItsWorkload(t *testing.T) {
	base := famInput(t, famBase)
	in := famEdit(t, base, famDash, `"expr": "training_loss{namespace=~\"$namespace\"`, `"expr": "training_loss{cluster=\"$cluster\", namespace=~\"$namespace\"`)
	famWant(t, famRun(t, "wiring/dashboard-variables", in),
		`spec.cue:8:2: wiring/dashboard-variables: panel "Loss: training_loss" uses $cluster, which the dashboard does not define`)
	in = famEdit(t, base, famDash, `"expr": "histogram_quantile(0.95, `, `"expr": "histogram_quantile(0.95, (`)
	famWant(t, famRun(t, "provenance/promql", in),
		`spec.cue:15:2: provenance/promql: panel "P95 latency: inference_request_duration_seconds": query does not parse as PromQL`)
}
