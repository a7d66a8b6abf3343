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
