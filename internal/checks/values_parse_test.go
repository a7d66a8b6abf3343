package checks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

const (
	famDCGM = "values/dcgm-exporter.yaml"
	famLoki = "values/loki.yaml"
)

// famEncoderBug returns a copy of in where the bytes of the file ending in
// suffix have old replaced by new (which must occur) and its typed value is
// left as it was: the encoder, not the generator, is wrong.
func famEncoderBug(suffix, old, new string) func(t *testing.T, in *checks.Input) *checks.Input {
	return func(t *testing.T, in *checks.Input) *checks.Input {
		t.Helper()
		out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
		f := famFile(t, out, suffix)
		if !strings.Contains(string(f.Data), old) {
			t.Fatalf("%s does not contain %q:\n%s", f.Path, old, f.Data)
		}
		f.Data = []byte(strings.Replace(string(f.Data), old, new, 1))
		return out
	}
}

// famUntypedEdit is the edit famUntyped makes (a table case's edit).
func famUntypedEdit(suffix string) func(t *testing.T, in *checks.Input) *checks.Input {
	return func(t *testing.T, in *checks.Input) *checks.Input {
		t.Helper()
		return famUntyped(t, in, suffix)
	}
}

func TestValuesParse(t *testing.T) {
	famRunCases(t, "values/parse", famBase, []famCase{
		{name: "generated"},
		{
			name: "encoder changes a value",
			edit: famEncoderBug(famValues, "searchNamespace: monitoring", "searchNamespace: grafana"),
			want: []string{`spec.cue:4:2: values/parse: the generated values are not what their generator made: at grafana.sidecar.dashboards.searchNamespace the bytes say "grafana", the typed value "monitoring"`},
		},
		{
			name: "encoder drops a field",
			edit: famEncoderBug(famValues, "    ruleSelectorNilUsesHelmValues: false\n", ""),
			want: []string{`at prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues the bytes say nothing, the typed value false`},
		},
		{
			name: "encoder changes the dcgm-exporter values",
			edit: famEncoderBug(famDCGM, "  honorLabels: true", "  honorLabels: false"),
			want: []string{`values/parse: the generated values are not what their generator made: at serviceMonitor.honorLabels the bytes say false, the typed value true`},
		},
		{
			name: "encoder changes the Loki values",
			edit: famEncoderBug(famLoki, "retention_enabled: true", "retention_enabled: false"),
			want: []string{`values/parse: the generated values are not what their generator made: at loki.compactor.retention_enabled the bytes say false, the typed value true`},
		},
		{
			// The chart would render both the inline configs and the Secret, and
			// one would silently win: the typed values have no field for it.
			name: "inline scrape configs too",
			edit: famEditCase(famValues, "    additionalScrapeConfigsSecret:", "    additionalScrapeConfigs:\n    - job_name: x\n    additionalScrapeConfigsSecret:"),
			want: []string{`does not decode strictly as promstack.Values: error unmarshaling JSON: while decoding JSON: json: unknown field "additionalScrapeConfigs"`},
		},
		{
			name: "duplicate key",
			edit: famEncoderBug(famValues, "    ruleSelectorNilUsesHelmValues: false\n", "    ruleSelectorNilUsesHelmValues: false\n    ruleSelectorNilUsesHelmValues: true\n"),
			want: []string{`does not decode strictly as promstack.Values`},
		},
		{
			name: "values without their typed value",
			edit: famUntypedEdit(famValues),
			want: []string{`spec.cue:4:2: values/parse: generated values come without their typed value (artifact.File.Value): the checks of the values cannot see them`},
		},
		{
			name: "dcgm-exporter values without their typed value",
			edit: famUntypedEdit(famDCGM),
			want: []string{`values/parse: generated values come without their typed value`},
		},
		{
			name: "Loki values without their typed value",
			edit: famUntypedEdit(famLoki),
			want: []string{`values/parse: generated values come without their typed value`},
		},
	})
}
