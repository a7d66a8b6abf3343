package checks_test

import (
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// famPromtailEdit edits the Promtail config and the copy in its values.
func famPromtailEdit(old, new string) func(t *testing.T, in *checks.Input) *checks.Input {
	return func(t *testing.T, in *checks.Input) *checks.Input {
		in = famEdit(t, in, famPromtailFile, old, new)
		cfg := famFile(t, in, famPromtailFile).Data
		return famEditFunc(t, in, "values/promtail.yaml", func(b []byte) []byte {
			var v map[string]any
			if err := yaml.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			v["config"].(map[string]any)["file"] = string(cfg)
			out, err := yaml.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			return out
		})
	}
}

func TestLogsPromtailDecode(t *testing.T) {
	famRunCases(t, "logs/promtail-decode", famPromtail, []famCase{
		{name: "generated"},
		{
			name: "unknown relabel action",
			edit: famPromtailEdit("- action: keep\n    regex: ml", "- action: kep\n    regex: ml"),
			want: []string{`spec.cue:53:8: logs/promtail-decode: Promtail would refuse the generated config: unknown relabel action "kep"`},
		},
		{
			name: "bad relabel regex",
			edit: famPromtailEdit("regex: Pending|Unknown", "regex: Pending|(Unknown"),
			want: []string{"Promtail would refuse the generated config: error parsing regexp: missing closing ): `^(?s:Pending|(Unknown)$`"},
		},
		{
			name: "unknown field",
			edit: famPromtailEdit("  kubernetes_sd_configs:\n", "  kubernetes_sd_config:\n"),
			want: []string{"Promtail would refuse the generated config: line 7: field kubernetes_sd_config not found; line 71: field kubernetes_sd_config not found"},
		},
		{
			name: "bad discovery role",
			edit: famPromtailEdit("role: pod", "role: pods"),
			want: []string{`unknown Kubernetes SD role "pods"`},
		},
		{
			name: "replace without target",
			edit: famPromtailEdit("    target_label: namespace\n", ""),
			want: []string{
				`spec.cue:13:3: logs/promtail-decode: scrape_configs[1] (job "dataops/ml/trainer"): relabel_configs[4]: relabel configuration for replace action requires 'target_label' value`,
				`spec.cue:19:3: logs/promtail-decode: scrape_configs[0] (job "dataops/ml/resnet"): relabel_configs[4]`,
			},
		},
		{
			name: "no __path__",
			edit: famPromtailEdit("target_label: __path__", "target_label: __file__"),
			want: []string{`spec.cue:13:3: logs/promtail-decode: scrape_configs[1] (job "dataops/ml/trainer"): no relabel rule sets __path__: Promtail tails no file`, `spec.cue:19:3: logs/promtail-decode: scrape_configs[0] (job "dataops/ml/resnet"): no relabel rule sets __path__`},
		},
		{
			name: "duplicate job",
			edit: famPromtailEdit("job_name: dataops/ml/trainer", "job_name: dataops/ml/resnet"),
			want: []string{`scrape_configs[1] (job "dataops/ml/resnet"): job_name is used twice`},
		},
		{
			name: "unknown stage",
			edit: famPromtailEdit("  - cri: {}\n  - labeldrop:\n    - filename\n  - drop:\n      drop_counter_reason: dataops_drop\n      expression: GET /healthz",
				"  - crio: {}\n  - labeldrop:\n    - filename\n  - drop:\n      drop_counter_reason: dataops_drop\n      expression: GET /healthz"),
			want: []string{`scrape_configs[0] (job "dataops/ml/resnet"): pipeline_stages[0] (crio): unknown stage`},
		},
		{
			name: "bad drop expression",
			edit: famPromtailEdit("expression: GET /healthz", "expression: GET /healthz("),
			want: []string{"pipeline_stages[2] (drop): expression does not compile: error parsing regexp: missing closing ): `GET /healthz(`"},
		},
		{
			name: "bad match selector",
			edit: famPromtailEdit(`selector: '{workload="resnet"} !~`, `selector: '{workload=~"resnet("} !~`),
			want: []string{"pipeline_stages[4] (match): selector"},
		},
		{
			name: "no client",
			edit: famPromtailEdit("clients:\n- url: http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push\n", "clients:\n- url: loki\n"),
			want: []string{`clients[0]: url "loki" is not an absolute URL`},
		},
		{
			name: "values differ",
			edit: famEditCase(famPromtailFile, "job_name: dataops/ml/trainer", "job_name: dataops/ml/training"),
			want: []string{"config.file in the Promtail values is not the generated Promtail config"},
		},
	})
	// Alloy specs have no Promtail config.
	famWant(t, famRun(t, "logs/promtail-decode", famInput(t, famBase)))
}
