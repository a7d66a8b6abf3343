package checks_test

import (
	"testing"
)

func TestRulesTemplate(t *testing.T) {
	runCases(t, "rules/template", []checkCase{
		{name: "example spec", extra: ``},
		{name: "fine", extra: rule(`{alert: "A", expr: "up == 0", annotations: summary: "{{ $labels.pod }} is {{ $value | humanize }}; {{ if gt $value 1.0 }}high{{ end }}"}`)},
		{
			name:  "seed: $labels{pod} as text",
			extra: rule(`{alert: "A", expr: "up == 0", annotations: summary: "Pod $labels{pod} restarted"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary: "$labels{pod}" is outside {{ }}, so Prometheus prints it as is; write {{ $labels.pod }}`},
		},
		{
			name:  "$value outside braces, in a label",
			extra: rule(`{alert: "A", expr: "up == 0", labels: note: "value $value", annotations: summary: "{{ $labels.pod }} $labels.pod"}`),
			want: []string{
				`x.cue:2:1: alert A: annotation summary: "$labels.pod" is outside {{ }}, so Prometheus prints it as is; write {{ $labels.pod }}`,
				`x.cue:2:1: alert A: label note: "$value" is outside {{ }}, so Prometheus prints it as is; write {{ $value }}`,
			},
		},
		{
			name:  "runtime error: humanize of a label",
			extra: rule(`{alert: "A", expr: "up{job=\"x\"} == 0", annotations: summary: "{{ humanize $labels.job }}"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary does not expand: at <humanize $labels.job>: error calling humanize: strconv.ParseFloat: parsing "x": invalid syntax`},
		},
		{
			name:  "runtime error: range over the value",
			extra: rule(`{alert: "A", expr: "up == 0", annotations: summary: "{{ range $value }}x{{ end }}"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary does not expand: at <$value>: range can't iterate over 1.5`},
		},
		{
			name:  "parse errors are rules/parse's",
			extra: rule(`{alert: "A", expr: "up == 0", annotations: summary: "{{ $labels.pod "}`),
		},
		{
			name:  "query works",
			extra: rule(`{alert: "A", expr: "up == 0", annotations: summary: "{{ with query \"up\" }}{{ . | first | value | humanize }}{{ end }}"}`),
		},
		{
			name:  "recording rules have no templates",
			extra: rule(`{record: "a:b", expr: "sum(up)", labels: x: "$labels{pod}"}`),
		},
	})
}
