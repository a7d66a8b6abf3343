package checks_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// famRaw returns a copy of in whose dashboard file has its bytes (and only
// its bytes: the typed value stays the generator's) edited: an encoder
// bug, which dashboards/parse alone can see.
func famRaw(t *testing.T, in *checks.Input, edit func(data []byte) []byte) *checks.Input {
	t.Helper()
	out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
	f := famFile(t, out, famDash)
	f.Data = edit(slices.Clone(f.Data))
	return out
}

func TestDashboardsParse(t *testing.T) {
	const loss = `"expr": "training_loss{`
	famRunCases(t, "dashboards/parse", famBase+`
extraPanels: [{title: "GPU temp", expr: "DCGM_FI_DEV_GPU_TEMP"}]
slos: api: {workload: "resnet", objective: 99.9, sli: availability: {}}
`, []famCase{
		{name: "generated"},
		{
			// One byte of a query changed after encoding: the bytes still
			// decode, to another dashboard than the checks checked.
			name: "byte of a query",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famRaw(t, in, func(b []byte) []byte {
					i := bytes.Index(b, []byte(loss))
					if i < 0 {
						t.Fatalf("no %s", loss)
					}
					b[i+len(loss)-2] = 'X' // training_loXs
					return b
				})
			},
			want: []string{`spec.cue:7:1: dashboards/parse: generated dashboard decodes to another dashboard than the generator built (dashboard.Panels[11].Panel.Targets[0].Expr: training_loss{namespace=~"$namespace", workload=~"$workload", pod=~"$pod"}, decoded training_losX{`},
		},
		{
			name: "byte of the syntax",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famRaw(t, in, func(b []byte) []byte { return b[:len(b)-2] })
			},
			want: []string{`spec.cue:7:1: dashboards/parse: generated dashboard does not decode: `},
		},
		{
			// Strict: a field the SDK does not know.
			name: "unknown field",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famRaw(t, in, func(b []byte) []byte {
					return bytes.Replace(b, []byte(`"uid": "dataops-overview"`), []byte(`"uid": "dataops-overview", "bogus": 1`), 1)
				})
			},
			want: []string{`generated dashboard does not decode: `},
		},
		{
			// A dashboard without its typed value passes the other
			// dashboard checks unseen: this one says so.
			name: "untyped",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
				famFile(t, out, famDash).Value = nil
				return out
			},
			want: []string{`spec.cue:7:1: dashboards/parse: generated dashboard comes without its typed dashboard (artifact.File.Value): the dashboard checks cannot see it`},
		},
	})
}
