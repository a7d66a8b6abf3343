package scrape

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/prometheus/prometheus/model/relabel"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// The file carries the jobs it was marshalled from, each with the spec path
// of its workload (the checks report there).
func TestJobsCarryTheirWorkloads(t *testing.T) {
	s := modeltest.Example(t)
	files, err := generate(s)
	if err != nil {
		t.Fatal(err)
	}
	jobs, ok := files[0].Value.(*Jobs)
	if !ok {
		t.Fatalf("Value is %T, want *Jobs", files[0].Value)
	}
	data, err := artifact.YAMLList(jobs.Configs)
	if err != nil || !bytes.Equal(data, files[0].Data) {
		t.Fatalf("the typed jobs do not marshal to the file's bytes (%v)", err)
	}
	if len(jobs.Sources) != len(jobs.Configs) || len(jobs.Configs) != len(s.Workloads) || len(s.Workloads) == 0 {
		t.Fatalf("%d sources for %d jobs of %d workloads", len(jobs.Sources), len(jobs.Configs), len(s.Workloads))
	}
	for i, w := range s.Workloads {
		if jobs.Sources[i] != w.Path() || jobs.Configs[i].JobName != ForWorkload(w).JobName {
			t.Errorf("job %d (%s) comes from %q, want %q", i, jobs.Configs[i].JobName, jobs.Sources[i], w.Path())
		}
	}
}

// PrometheusRelabel applies Prometheus's defaults and refuses what
// Prometheus refuses.
func TestPrometheusRelabel(t *testing.T) {
	rcs, err := PrometheusRelabel([]Relabel{copyLabel("__meta_kubernetes_namespace", "namespace")})
	if err != nil {
		t.Fatal(err)
	}
	r := rcs[0]
	if r.Separator != ";" || r.Regex.String() != "(.*)" || r.Replacement != "$1" || r.Action != "replace" || r.TargetLabel != "namespace" {
		t.Errorf("got %+v, want Prometheus's defaults", r)
	}
	if _, err := PrometheusRelabel([]Relabel{{Action: "keeep"}}); err == nil {
		t.Error("an unknown action is accepted")
	}
	if _, err := PrometheusRelabel([]Relabel{{Action: "replace", Regex: "("}}); err == nil {
		t.Error("a bad regex is accepted")
	}
}

// TestRelabelsArePrometheusRelabel: Relabels (the fields read one by one)
// gives what Prometheus reads from the rules' YAML (PrometheusRelabel), on
// every rule of 200 synthetic workloads and on rules Prometheus refuses.
func TestRelabelsArePrometheusRelabel(t *testing.T) {
	empty := ""
	var cases [][]Relabel
	for _, w := range modeltest.Synthetic(t, 200).Workloads {
		cases = append(cases, ForWorkload(w).RelabelConfigs)
	}
	for _, r := range []Relabel{
		{Action: "Keep", Regex: "a|b", SourceLabels: []string{"x"}},
		{Action: "replace", TargetLabel: "t", Replacement: &empty},
		{Action: "hashmod", TargetLabel: "t"},
		{Action: "bogus"},
		{Action: ""},
		{Action: "replace", Regex: "("},
		{Action: "replace", SourceLabels: []string{"a"}},
		{Action: "keep", SourceLabels: []string{""}},
	} {
		cases = append(cases, []Relabel{r})
	}
	shared := NewRelabeler() // its regexes compiled once for all the cases
	for _, rs := range cases {
		want, werr := PrometheusRelabel(rs)
		for name, relabels := range map[string]func([]Relabel) ([]*relabel.Config, error){"Relabels": Relabels, "a shared Relabeler": shared.Relabels} {
			got, gerr := relabels(rs)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("%+v: %s: %v, Prometheus: %v", rs, name, gerr, werr)
			}
			if !reflect.DeepEqual(got, want) && werr == nil {
				t.Fatalf("%+v:\n%s %+v\nPrometheus %+v", rs, name, got, want)
			}
		}
	}
	if len(shared.regexps) == 0 || len(shared.regexps) > len(cases) {
		t.Errorf("%d regexes compiled for %d cases", len(shared.regexps), len(cases))
	}
}
