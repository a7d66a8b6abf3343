package logs

import (
	"slices"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/model"
)

// TestPipelinesCarryTheirPaths: the collector file's Value is the
// generator's Collector, each stage with the spec path of the filter it
// comes from (a refused filter regex skipped without shifting the others),
// and for Promtail the config marshalled, its jobs parallel to the
// pipelines.
func TestPipelinesCarryTheirPaths(t *testing.T) {
	const spec = `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: {
	t: {kind: "training", namespace: "ml", logs: {drop: ["(", "ok", "GET /x"], keep: ["E"], minLevel: "warn"}}
	off: {kind: "training", namespace: "ml", logs: enabled: false}
	u: {kind: "training", namespace: "ml"}
}
`
	want := map[string][]string{
		"t": {"workloads.t.logs", "workloads.t.logs", "workloads.t.logs.drop.1", "workloads.t.logs.drop.2",
			"workloads.t.logs.keep", "workloads.t.logs.minLevel", "workloads.t.logs.minLevel"},
		"u": {"workloads.u.logs", "workloads.u.logs"},
	}
	for _, kind := range []string{model.CollectorAlloy, model.CollectorPromtail} {
		t.Run(kind, func(t *testing.T) {
			path := AlloyConfigPath
			src := spec
			if kind == model.CollectorPromtail {
				path, src = PromtailConfigPath, spec+`stack: logCollector: kind: "promtail"`+"\n"
			}
			f, ok := generateFiles(t, loadSpec(t, src))[path]
			if !ok {
				t.Fatalf("no %s", path)
			}
			c, ok := f.Value.(*Collector)
			if !ok {
				t.Fatalf("%s: Value is %T, not *Collector", path, f.Value)
			}
			if c.Kind != kind || len(c.Pipelines) != 2 {
				t.Fatalf("kind %q, %d pipelines: want %q, 2 (t and u)", c.Kind, len(c.Pipelines), kind)
			}
			for i, p := range c.Pipelines {
				if p.Source != "workloads."+p.Workload+".logs" {
					t.Errorf("pipeline %q: source %q", p.ID, p.Source)
				}
				if !slices.Equal(p.StageSources, want[p.Workload]) || len(p.StageSources) != len(p.Stages) {
					t.Errorf("pipeline %q: %d stages, sources %q, want %q", p.ID, len(p.Stages), p.StageSources, want[p.Workload])
				}
				if kind == model.CollectorPromtail && c.Promtail.ScrapeConfigs[i].JobName != p.ID {
					t.Errorf("scrape_configs[%d] is job %q, pipeline %d is %q", i, c.Promtail.ScrapeConfigs[i].JobName, i, p.ID)
				}
			}
			if (c.Promtail != nil) != (kind == model.CollectorPromtail) {
				t.Errorf("Promtail config set: %v", c.Promtail != nil)
			}
		})
	}
}
