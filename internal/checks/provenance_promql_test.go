package checks_test

import (
	"testing"
)

func TestProvenancePromQL(t *testing.T) {
	runCases(t, "provenance/promql", []checkCase{
		{name: "example spec", extra: ``},
		{
			name:  "unbalanced",
			extra: panel(`{title: "Q", expr: "sum(rate(up[5m])"}`),
			want:  []string{`x.cue:2:1: panel "Q": query does not parse as PromQL: 1:17: parse error: unclosed left parenthesis`},
		},
		{
			name:  "variables substituted",
			extra: panel(`{title: "Q", expr: "topk($n, sum by ($label) (rate(up{pod=~\"$pod\"}[$__interval] offset $__range)))"}`),
		},
	})
}
