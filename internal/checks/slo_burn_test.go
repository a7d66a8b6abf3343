package checks_test

import "testing"

func TestSLOBurnThreshold(t *testing.T) {
	runCases(t, "slo/burn-threshold", []checkCase{
		{name: "99% objective: every tier can fire", base: sloBase, extra: "slos: a: {workload: \"resnet\", objective: 99, sli: availability: {}}\n"},
		{
			name: "90% objective: 14.4× of 10% is 144%", base: sloBase,
			extra: "slos: a: {workload: \"resnet\", objective: 90, sli: availability: {}}\n",
			want:  []string{`x.cue:1:7: the 1h/5m page pair of SLO a alerts above 14.4× a budget of 0.1, an error ratio of 1.44: above 100%, it can never fire; lower budgetPercent or the objective`},
		},
	})
}
