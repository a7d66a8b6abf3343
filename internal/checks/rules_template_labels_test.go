package checks_test

import (
	"testing"
)

func TestRulesTemplateLabels(t *testing.T) {
	runCases(t, "rules/template-labels", []checkCase{
		{name: "example spec", extra: ``},
		{
			name: "seed: $labels.restart_count",
			extra: rule(`{
	alert: "PodRestarting"
	expr:  "sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace=\"ml\"}[5m])) > 0"
	annotations: description: "{{ $labels.pod }} restarted {{ $labels.restart_count }} times"
}`),
			want: []string{`x.cue:2:1: alert PodRestarting: annotation description reads $labels.restart_count, but the alert's series never carry label restart_count (they carry only namespace, pod)`},
		},
		{
			name:  "aggregation without grouping",
			extra: rule(`{alert: "A", expr: "sum(up) == 0", annotations: summary: "{{ $labels.namespace }} and {{ .Labels.pod }} and {{ index $labels \"job\" }}"}`),
			want: []string{
				`x.cue:2:1: alert A: annotation summary reads $labels.namespace, but the alert's series never carry label namespace (they carry no labels)`,
				`x.cue:2:1: alert A: annotation summary reads .Labels.pod, but the alert's series never carry label pod (they carry no labels)`,
				`x.cue:2:1: alert A: annotation summary reads index $labels "job", but the alert's series never carry label job (they carry no labels)`,
			},
		},
		{
			name:  "a rule's own label is not in $labels",
			extra: rule(`{alert: "A", expr: "sum by (namespace) (up) == 0", labels: severity: "page", annotations: summary: "{{ $labels.severity }}"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary reads $labels.severity, but the alert's series never carry label severity (they carry only namespace); the rule's own labels are not in $labels`},
		},
		{
			name:  "absent keeps its equality matchers",
			extra: rule(`{alert: "A", expr: "absent(up{namespace=\"ml\", workload=~\"r.*\"})", annotations: summary: "{{ $labels.namespace }} {{ $labels.workload }}"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary reads $labels.workload, but the alert's series never carry label workload (they carry only namespace)`},
		},
		{
			name:  "histogram_quantile drops le",
			extra: rule(`{alert: "A", expr: "histogram_quantile(0.9, sum by (le, model_name) (rate(inference_request_duration_seconds_bucket[5m]))) > 1", annotations: summary: "{{ $labels.model_name }} {{ $labels.le }}"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary reads $labels.le, but the alert's series never carry label le (they carry only model_name)`},
		},
		{
			name:  "label_replace and group_left add labels",
			extra: rule(`{alert: "A", expr: "label_replace(sum by (pod) (up), \"x\", \"$1\", \"pod\", \"(.*)\") * on (pod) group_left (node) kube_pod_info", annotations: summary: "{{ $labels.x }} {{ $labels.node }}"}`),
		},
		{
			name:  "unknown metric: nothing is known",
			extra: rule(`{alert: "A", expr: "nope > 0", annotations: summary: "{{ $labels.anything }}"}`),
		},
	})
}
