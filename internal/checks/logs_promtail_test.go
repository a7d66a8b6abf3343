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

// The bytes check: each case breaks the emitted text as an encoder bug
// would (the typed config stays the generator's).
func TestLogsPromtailDecode(t *testing.T) {
	famRunCases(t, "logs/promtail-decode", famPromtail, []famCase{
		{name: "generated"},
		{
			name: "without its typed config",
			edit: func(t *testing.T, in *checks.Input) *checks.Input { return famUntyped(t, in, famPromtailFile) },
			want: []string{`spec.cue:53:8: logs/promtail-decode: the collector config comes without its typed pipelines (artifact.File.Value): the log checks cannot see it`},
		},
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
			name: "unknown stage",
			edit: famPromtailEdit("  - cri: {}\n  - labeldrop:\n    - filename\n  - drop:\n      drop_counter_reason: dataops_drop\n      expression: GET /healthz",
				"  - crio: {}\n  - labeldrop:\n    - filename\n  - drop:\n      drop_counter_reason: dataops_drop\n      expression: GET /healthz"),
			want: []string{`the generated config does not decode into the generator's Promtail config type: error unmarshaling JSON: while decoding JSON: json: unknown field "crio"`},
		},
		{
			// The encoder check: the text says another filter than the
			// generator's, reported at that filter.
			name: "stage differs",
			edit: famPromtailEdit("expression: GET /metrics", "expression: GET /metric"),
			want: []string{`spec.cue:20:27: logs/promtail-decode: the emitted config decodes other than the generator made it: scrape_configs[0] (job "dataops/ml/resnet"): pipeline_stages[3] is {"drop":{"expression":"GET /metric","drop_counter_reason":"dataops_drop"}}, the generator made {"drop":{"expression":"GET /metrics","drop_counter_reason":"dataops_drop"}}`},
		},
		{
			name: "relabel rule differs",
			edit: famPromtailEdit("target_label: __path__", "target_label: __file__"),
			want: []string{
				`spec.cue:13:3: logs/promtail-decode: the emitted config decodes other than the generator made it: scrape_configs[1] (job "dataops/ml/trainer"): relabel_configs[8] is {"source_labels":["__meta_kubernetes_pod_uid","__meta_kubernetes_pod_container_name"],"separator":"/","target_label":"__file__"`,
				`spec.cue:19:3: logs/promtail-decode: the emitted config decodes other than the generator made it: scrape_configs[0] (job "dataops/ml/resnet"): relabel_configs[8]`,
			},
		},
		{
			name: "client differs",
			edit: famPromtailEdit("clients:\n- url: http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push\n", "clients:\n- url: loki\n"),
			want: []string{`spec.cue:53:8: logs/promtail-decode: the emitted config decodes other than the generator made it: {"server":{"http_listen_port":3101,"log_level":"info"},"positions":{"filename":"/run/promtail/positions.yaml"},"clients":[{"url":"loki"}]`},
		},
		{
			name: "values differ",
			edit: famEditCase(famPromtailFile, "scrape_configs:\n", "# a comment\nscrape_configs:\n"),
			want: []string{"config.file in the Promtail values is not the generated Promtail config"},
		},
		{
			name: "template in the values",
			edit: famPromtailEdit("scrape_configs:\n", "# {{ .Values }}\nscrape_configs:\n"),
			want: []string{`config.file contains "{{", which the chart's tpl would execute`},
		},
	})
	// Alloy specs have no Promtail config.
	famWant(t, famRun(t, "logs/promtail-decode", famInput(t, famBase)))
}
