package logs

import "github.com/dataopsgen/dataopsgen/internal/model"

// Collector is the log collector config as the generator made it, with the
// spec path every pipeline part comes from. The generator sets it as the
// File.Value of the collector config file (AlloyConfigPath or
// PromtailConfigPath), and internal/build keeps it for the checks, so that
// they read the pipelines and report at the workload's filter rather than
// decode the bytes just encoded (logs/alloy-parse and logs/promtail-decode
// alone read the bytes, to verify the encoders).
type Collector struct {
	Kind string // model.CollectorAlloy or model.CollectorPromtail
	// Pipelines are the collected workloads' pipelines, in spec order. The
	// Alloy config is rendered from them.
	Pipelines []Pipeline
	// Promtail is the config marshalled into the Promtail file (nil for
	// Alloy). Its ScrapeConfigs parallel Pipelines.
	Promtail *PromtailConfig
}

// Pipeline is one workload's discovery relabel rules and processing stages.
type Pipeline struct {
	Workload  string
	Namespace string
	// ID is the Alloy component label or the Promtail job name.
	ID string
	// Source is the spec path of the workload's logs (workloads.<name>.logs).
	Source string
	Rules  []RelabelRule
	Stages []Stage
	// StageSources parallels Stages: the spec path each stage comes from
	// (workloads.<name>.logs.drop.<i> for a drop filter, ….keep for the
	// keep stage, ….minLevel for the level stages, ….logs for the CRI and
	// label stages every pipeline has).
	StageSources []string
}

// collector is the Collector of plan p for the given collector kind.
func collector(p *plan, kind string) *Collector {
	c := &Collector{Kind: kind, Pipelines: make([]Pipeline, len(p.workloads))}
	for i, wp := range p.workloads {
		id := AlloyLabel(wp.w.Name)
		if kind == model.CollectorPromtail {
			id = PromtailJobName(wp.w.Name, wp.w.Namespace)
		}
		c.Pipelines[i] = Pipeline{
			Workload:     wp.w.Name,
			Namespace:    wp.w.Namespace,
			ID:           id,
			Source:       wp.w.Path("logs"),
			Rules:        wp.rules,
			Stages:       wp.stages,
			StageSources: wp.stageSources,
		}
	}
	return c
}
