package checks_test

import (
	"testing"
)

func TestRulesDuplicate(t *testing.T) {
	runCases(t, "rules/duplicate", []checkCase{
		{name: "example spec", extra: ``},
		{
			name:  "same name, same labels",
			extra: rule(`{alert: "A", expr: "up == 0"}`, `{alert: "A", expr: "up == 1"}`),
			want:  []string{`x.cue:3:1: alert A is defined twice in group "g" with the same labels (rules 0 and 1); rename one or give them different labels`},
		},
		{
			name:  "same name, severities differ",
			extra: rule(`{alert: "A", expr: "up == 0", labels: severity: "warning"}`, `{alert: "A", expr: "up == 1", labels: severity: "critical"}`),
		},
		{
			name:  "recording rules",
			extra: rule(`{record: "a:b", expr: "sum(up)"}`, `{record: "a:b", expr: "sum(up)"}`),
			want:  []string{`x.cue:3:1: recording rule a:b is defined twice in group "g" with the same labels (rules 0 and 1); rename one or give them different labels`},
		},
		{
			name:  "same alert in two groups",
			extra: "extraRules: g1: rules: [{alert: \"A\", expr: \"up\"}]\nextraRules: g2: rules: [{alert: \"A\", expr: \"up\"}]\n",
		},
		{
			name:  "group name with a dash",
			extra: "extraRules: \"my-group\": rules: [{alert: \"A\", expr: \"up\"},\n{alert: \"A\", expr: \"up\"}]\n",
			want:  []string{`x.cue:2:1: alert A is defined twice in group "my-group" with the same labels (rules 0 and 1); rename one or give them different labels`},
		},
	})
}
