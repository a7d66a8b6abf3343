package checks_test

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

func TestWiringDatasource(t *testing.T) {
	famRunCases(t, "wiring/datasource", famBase, []famCase{
		{name: "generated"},
		{
			// At the first workload the Logs panel shows (resnet), not
			// the dashboard's workloads.
			name: "unknown uid",
			edit: famEditCase(famDash, `"uid": "loki"`, `"uid": "loki-logs"`),
			want: []string{`spec.cue:15:2: wiring/datasource: panel "Logs" query A uses datasource uid "loki-logs", which Grafana is not provisioned with (provisioned: prometheus, alertmanager, loki)`, `panel "Logs" uses datasource uid "loki-logs"`},
		},
		{
			name: "type mismatch",
			edit: famEditCase(famDash, `"type": "loki",`, `"type": "prometheus",`),
			want: []string{`panel "Logs" query A uses datasource uid "loki" as type "prometheus", but it is provisioned as type "loki"`, `panel "Logs" uses datasource uid "loki" as type "prometheus"`},
		},
		{
			name: "loki not provisioned",
			edit: famEditCase(famValues, "uid: loki", "uid: loki-ds"),
			want: []string{`panel "Logs" query A uses datasource uid "loki"`, `panel "Logs" uses datasource uid "loki"`},
		},
		{
			// A uid without a type: Grafana also finds a datasource by
			// name. (A bare string, the older form, the SDK's
			// DataSourceRef cannot hold: no generated dashboard has one.)
			name: "by name",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEditJSON(t, in, famDash, func(d map[string]any) {
					p := famPanel(t, d, "Logs")
					p["datasource"] = map[string]any{"uid": "Loki"}
					p["targets"].([]any)[0].(map[string]any)["datasource"] = nil
				})
			},
		},
		{
			name: "builtin",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEditJSON(t, in, famDash, func(d map[string]any) {
					d["annotations"] = map[string]any{"list": []any{map[string]any{"name": "Annotations & Alerts",
						"datasource": map[string]any{"type": "grafana", "uid": "-- Grafana --"}}}}
				})
			},
		},
		{
			name: "datasource variable",
			edit: famEditCase(famDash, `"uid": "loki"`, `"uid": "${logs}"`),
			want: []string{`panel "Logs" query A uses datasource ${logs}, which is not a datasource variable of the dashboard`, `panel "Logs" uses datasource ${logs}`},
		},
	})
	// A datasource the schema cannot express (it allows "prometheus" and
	// "loki"): an extra panel's datasource rewritten in the dashboard.
	in := famInput(t, famBase+`
extraPanels: [{title: "GPU temp", expr: "DCGM_FI_DEV_GPU_TEMP"}]
`)
	in = famEditJSON(t, in, famDash, func(d map[string]any) {
		p := famPanel(t, d, "GPU temp")
		ref := map[string]any{"type": "prometheus", "uid": "thanos"}
		p["datasource"] = ref
		p["targets"].([]any)[0].(map[string]any)["datasource"] = ref
	})
	famWant(t, famRun(t, "wiring/datasource", in),
		`spec.cue:53:15: wiring/datasource: panel "GPU temp" query A uses datasource uid "thanos"`,
		`spec.cue:53:15: wiring/datasource: panel "GPU temp" uses datasource uid "thanos"`)
}
