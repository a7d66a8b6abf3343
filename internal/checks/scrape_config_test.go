package checks_test

import (
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// scrape/config passes the generated configs and fails on one Prometheus
// rejects (the file is loaded as is, under scrape_configs).
func TestScrapeConfigCheck(t *testing.T) {
	s := modeltest.Example(t)
	for _, c := range []struct {
		name   string
		mutate func(string) string
		want   string
	}{
		{"generated", func(d string) string { return d }, ""},
		{"bad action", func(d string) string { return strings.Replace(d, "action: keep", "action: keeep", 1) }, "Prometheus rejects the scrape configs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			files, err := build.Generate(s)
			if err != nil {
				t.Fatal(err)
			}
			for i := range files {
				if files[i].Path == scrape.Path {
					files[i].Data = []byte(c.mutate(string(files[i].Data)))
				}
			}
			var got []string
			for _, d := range checks.Run(&checks.Input{Spec: s, Files: files}) {
				if d.Check == "scrape/config" {
					got = append(got, d.Message)
				}
			}
			if c.want == "" && len(got) > 0 || c.want != "" && (len(got) != 1 || !strings.Contains(got[0], c.want)) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

// scrape/config verifies the encoder: what Prometheus loads from the bytes
// is the generator's typed jobs (which the other checks read), each
// difference reported at its job's workload.
func TestScrapeConfigTypedJobs(t *testing.T) {
	famRunCases(t, "scrape/config", famBase, []famCase{
		{name: "generated"},
		{
			name: "encoder changes an action",
			edit: famEncoderBug(famScrape, "  - action: keep\n", "  - action: drop\n"),
			want: []string{`spec.cue:15:2: scrape/config: job "dataops/ml/resnet" is not what its generator made: relabel_configs[0]: action loads as "drop", the typed rule has "keep"`},
		},
		{
			name: "encoder changes a path",
			edit: famEncoderBug(famScrape, "  metrics_path: /metrics\n", "  metrics_path: /metrix\n"),
			want: []string{`is not what its generator made: metrics_path loads as /metrix, the typed job has /metrics`},
		},
		{
			name: "without the typed jobs",
			edit: famUntypedEdit(famScrape),
			want: []string{`scrape/config: generated scrape configs come without their typed jobs (artifact.File.Value)`},
		},
	})
}
