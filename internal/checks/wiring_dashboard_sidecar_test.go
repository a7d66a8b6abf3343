package checks_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

func TestWiringDashboardSidecar(t *testing.T) {
	famRunCases(t, "wiring/dashboard-sidecar", famBase, []famCase{
		{name: "generated"},
		{
			name: "label value",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "grafana_dashboard"), `grafana_dashboard: "1"`, `grafana_dashboard: "true"`)
			},
			want: []string{`dashboard ConfigMap dashboard-dataops-overview has grafana_dashboard="true", but the Grafana sidecar loads only ConfigMaps labelled grafana_dashboard="1"`},
		},
		{
			name: "no label",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "grafana_dashboard"), "    labels:\n      grafana_dashboard: \"1\"\n", "")
			},
			want: []string{"has no such label"},
		},
		{
			name: "sidecar label",
			edit: famEditCase(famValues, "label: grafana_dashboard", "label: dashboard"),
			want: []string{`loads only ConfigMaps labelled dashboard="1"`},
		},
		{
			name: "folder",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "grafana_folder"), "grafana_folder: DataOps", "grafana_folder: Other")
			},
			want: []string{`folder annotation grafana_folder="Other", want the spec's folder "DataOps"`},
		},
		{
			name: "no folder annotation in values",
			edit: famEditCase(famValues, "      folderAnnotation: grafana_folder\n", ""),
			want: []string{"the values set no sidecar folderAnnotation"},
		},
		{
			name: "search namespace",
			edit: famEditCase(famValues, "searchNamespace: monitoring", "searchNamespace: grafana"),
			want: []string{`is in namespace "monitoring", which the sidecar (searchNamespace grafana) does not search`},
		},
		{
			name: "search all",
			edit: famEditCase(famValues, "searchNamespace: monitoring", "searchNamespace: ALL"),
		},
		{
			name: "disabled",
			edit: famEditCase(famValues, "    dashboards:\n      enabled: true", "    dashboards:\n      enabled: false"),
			want: []string{"the values disable the Grafana dashboard sidecar"},
		},
		{
			name: "too big",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEditFunc(t, in, famDash, func(b []byte) []byte {
					return bytes.Replace(b, []byte(`"description": "`), []byte(`"description": "`+strings.Repeat("x", 1<<20)), 1)
				})
			},
			want: []string{"spec.cue:7:1: wiring/dashboard-sidecar: dashboard ConfigMap dashboard-dataops-overview would be 1080783 bytes, over Kubernetes' 1 MiB (1048576 bytes) limit"},
		},
		{
			name: "not generated",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "grafana_dashboard"), "dataops-overview.json=dashboards/dataops-overview.json", "x.json=dashboards/x.json")
			},
			want: []string{"is in no configMapGenerator: the sidecar never sees it"},
		},
	})
}
