package checks_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

const (
	famPromtailFile = "logs/promtail.yaml"
	famAlloyFile    = "logs/config.alloy"
)

// famEditCollector returns a copy of in whose log collector config carries
// what edit makes of a deep copy of the generator's typed pipelines (the
// bytes are left alone): the edit plays a generator bug, which the checks
// of the typed pipelines must see.
func famEditCollector(t testing.TB, in *checks.Input, edit func(c *logs.Collector)) *checks.Input {
	t.Helper()
	out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
	for i := range out.Files {
		f := &out.Files[i]
		old, ok := f.Value.(*logs.Collector)
		if !ok {
			continue
		}
		b, err := json.Marshal(old)
		if err != nil {
			t.Fatal(err)
		}
		c := &logs.Collector{}
		if err := json.Unmarshal(b, c); err != nil {
			t.Fatal(err)
		}
		edit(c)
		f.Value = c
		return out
	}
	t.Fatal("no log collector config with its typed pipelines")
	return nil
}

// famEachRule edits every relabel rule of every pipeline (and Promtail job).
func famEachRule(edit func(r *logs.RelabelRule)) func(c *logs.Collector) {
	return func(c *logs.Collector) {
		for i := range c.Pipelines {
			for j := range c.Pipelines[i].Rules {
				edit(&c.Pipelines[i].Rules[j])
			}
		}
		if c.Promtail != nil {
			for i := range c.Promtail.ScrapeConfigs {
				for j := range c.Promtail.ScrapeConfigs[i].RelabelConfigs {
					edit(&c.Promtail.ScrapeConfigs[i].RelabelConfigs[j])
				}
			}
		}
	}
}

// famStages edits the stages of workload's pipeline (the Promtail job's
// too), with the spec path of each.
func famStages(workload string, edit func(stages *[]logs.Stage, sources *[]string)) func(c *logs.Collector) {
	return func(c *logs.Collector) {
		for i := range c.Pipelines {
			p := &c.Pipelines[i]
			if p.Workload != workload {
				continue
			}
			sources := slices.Clone(p.StageSources)
			edit(&p.Stages, &p.StageSources)
			if c.Kind == model.CollectorPromtail {
				edit(&c.Promtail.ScrapeConfigs[i].PipelineStages, &sources)
			}
		}
	}
}

// famUntyped returns a copy of in whose file ending in suffix has no
// typed value.
func famUntyped(t testing.TB, in *checks.Input, suffix string) *checks.Input {
	t.Helper()
	out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
	famFile(t, out, suffix).Value = nil
	return out
}
