package checks_test

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

func TestWiringRuleSelector(t *testing.T) {
	famRunCases(t, "wiring/rule-selector", famBase, []famCase{
		{name: "generated"},
		{
			name: "rule label differs",
			edit: famEditCase(famRuleFile, "release: prometheus", "release: kube-prometheus"),
			want: []string{`spec.cue:4:14: wiring/rule-selector: PrometheusRule dataops-workloads-ml has labels {app.kubernetes.io/managed-by=dataopsgen,release=kube-prometheus}, which the generated ruleSelector release=prometheus does not match`},
		},
		{
			name: "selector differs",
			edit: famEditCase(famValues, "      matchLabels:\n        release: prometheus", "      matchLabels:\n        release: other"),
			want: []string{"dataops-workloads-ml has labels"},
		},
		{
			name: "chart default selector",
			edit: famEditCase(famValues, "    ruleSelectorNilUsesHelmValues: false\n", ""),
			want: nil, // ruleSelector is set: it wins
		},
		{
			name: "nil selector uses the release label",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				in = famEdit(t, in, famValues, "    ruleSelectorNilUsesHelmValues: false\n", "")
				in = famEdit(t, in, famValues, "    ruleSelector:\n      matchLabels:\n        release: prometheus\n", "")
				return famEdit(t, in, famRuleFile, "release: prometheus", "release: x")
			},
			want: []string{"does not match: Prometheus would never load its rules"},
		},
		{
			name: "namespace selector",
			edit: famEditCase(famValues, "ruleNamespaceSelector: {}", "ruleNamespaceSelector:\n      matchLabels:\n        monitoring: \"true\""),
			want: []string{"PrometheusRule dataops-workloads-ml is in namespace monitoring, which the generated ruleNamespaceSelector monitoring=true does not admit"},
		},
		{
			name: "namespace selector by name",
			edit: famEditCase(famValues, "ruleNamespaceSelector: {}", "ruleNamespaceSelector:\n      matchLabels:\n        kubernetes.io/metadata.name: monitoring"),
		},
		{
			name: "not listed",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "workloads/ml.yaml"), "- prometheus-rules/workloads/ml.yaml\n", "")
			},
			want: []string{"wiring/rule-selector: PrometheusRule dataops-workloads-ml is in no kustomization's resources"},
		},
	})
}
