package checks_test

import (
	"slices"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/checks"
)

func TestRulesParse(t *testing.T) {
	// A PromQL error in the bytes is reported at the spec path the typed
	// object gives its rule (the resnet workload's inference block, or where
	// the typed provenance says it comes from).
	badExpr := bytesEdit("> 0.5\n", "> > 0.5\n")
	famRunCases(t, "rules/parse", famBase, []famCase{
		{name: "generated"},
		{name: "bad PromQL", edit: badExpr, want: []string{`spec.cue:18:3: rules/parse: group "dataops.resnet": HighInferenceLatency`}},
		{
			name: "bad PromQL, rule moved to the trainer",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return typedEdit(func(o *rules.Object) {
					g := resnetGroup(o)
					g.Source = "workloads.trainer"
					for i := range g.RuleSources {
						g.RuleSources[i] = "workloads.trainer"
					}
				})(t, badExpr(t, in))
			},
			want: []string{`spec.cue:8:2: rules/parse: group "dataops.resnet": HighInferenceLatency`},
		},
		{
			name: "no typed rules",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
				famFile(t, out, famRuleFile).Value = nil
				return out
			},
			want: []string{`spec.cue:15:2: rules/parse: generated PrometheusRule comes without its typed rules`},
		},
		// The bytes must say what the typed rules, which the other checks
		// read, say: each difference at its rule.
		{
			name: "typed expression differs",
			edit: typedEdit(func(o *rules.Object) { resnetGroup(o).Rules[1].Expr.StrVal = "> >" }),
			want: []string{`spec.cue:18:3: rules/parse: the generated PrometheusRule is not what its generator made: group "dataops.resnet", rule 1: at expr the bytes say "histogram_quantile(`},
		},
		{
			name: "encoder changes a threshold",
			edit: famEncoderBug(famRuleFile, "> 0.5\n", "> 0.6\n"),
			want: []string{`spec.cue:18:3: rules/parse: the generated PrometheusRule is not what its generator made: group "dataops.resnet", rule 1: at expr the bytes say "histogram_quantile(`},
		},
		{
			name: "typed group has an interval the bytes lack",
			edit: typedEdit(func(o *rules.Object) { resnetGroup(o).Interval = ptrDuration("1m") }),
			want: []string{`spec.cue:15:2: rules/parse: the generated PrometheusRule is not what its generator made: group "dataops.resnet": at interval the bytes say nothing, the typed value "1m"`},
		},
		{
			name: "typed object named otherwise",
			edit: typedEdit(func(o *rules.Object) { o.Rule = o.Rule.DeepCopy(); o.Rule.Name = "other" }),
			want: []string{`rules/parse: the generated PrometheusRule is not what its generator made: at metadata.name the bytes say`},
		},
	})
}

func ptrDuration(d string) *monitoringv1.Duration {
	v := monitoringv1.Duration(d)
	return &v
}
