package checks

import (
	"errors"
	"slices"
	"strings"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/relabel"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// This file reads the log collector config (Alloy or Promtail) as the
// generator made it (its *logs.Collector, the collector file's Value) into
// one collector-neutral form: per pipeline, the discovery relabel rules (as
// Prometheus relabel.Config) and the processing stages, each with the spec
// path it comes from. Only logs/alloy-parse and logs/promtail-decode read
// the emitted bytes (to verify the encoders).

// errUntypedCollector is the collector view's error for a file without
// its *logs.Collector: the bytes checks report it, the others skip.
var errUntypedCollector = errors.New("the collector config comes without its typed pipelines (artifact.File.Value): the log checks cannot see it")

// collectorInfo is the collector config with its pipelines.
type collectorInfo struct {
	kind      string // model.CollectorAlloy or model.CollectorPromtail
	file      *artifact.File
	value     *logs.Collector // nil when the file came without it (err set)
	err       error
	pipelines []*collectorPipeline
	// byID indexes pipelines by id (the first of each), for pipelineOf.
	byID map[string]*collectorPipeline
}

// collectorPipeline is one workload's discovery → tail → process chain.
type collectorPipeline struct {
	id      string // Alloy component label or Promtail job name
	source  string // spec path of the workload's logs ("" when unknown)
	relabel []*relabel.Config
	stages  []collectorStage
	// partial: some relabel rules do not convert (a regex that does not
	// compile, an unknown action) and are not in relabel (the Promtail
	// config check reports them; for Alloy no check does, as before).
	partial bool
}

// collectorStage is one processing stage, the fields the checks read.
type collectorStage struct {
	name       string // cri, label_drop, drop, match, regex, static_labels, ...
	source     string
	expression string
	selector   string
	action     string
	values     []string // label_drop/label_keep names, labels/static_labels keys
	// kinds is how many stages the item sets (one, or it is malformed).
	kinds int
	// src is the spec path of the filter (or workload) the stage comes
	// from ("" when unknown).
	src string
}

// parseCollector returns the collector config of the spec, as the
// generator made it (file nil when none was generated).
func parseCollector(in *Input) *collectorInfo {
	ci := &collectorInfo{kind: in.Spec.Stack.LogCollector.Kind}
	path := logs.AlloyConfigPath
	if ci.kind == model.CollectorPromtail {
		path = logs.PromtailConfigPath
	}
	ci.file = in.File(path)
	if ci.file == nil {
		return ci
	}
	ci.value, _ = ci.file.Value.(*logs.Collector)
	switch {
	case ci.value == nil:
		ci.err = errUntypedCollector
	case ci.kind == model.CollectorPromtail:
		ci.pipelines = promtailPipelines(ci.value)
	default:
		ci.pipelines = alloyPipelines(ci.value, scrape.NewRegexps().Compile)
	}
	ci.byID = make(map[string]*collectorPipeline, len(ci.pipelines))
	for _, p := range ci.pipelines {
		if _, seen := ci.byID[p.id]; !seen {
			ci.byID[p.id] = p
		}
	}
	return ci
}

// alloyPipelines are the pipelines the Alloy config was rendered from.
func alloyPipelines(c *logs.Collector, compile regexpCompiler) []*collectorPipeline {
	out := make([]*collectorPipeline, len(c.Pipelines))
	for i := range c.Pipelines {
		p := &c.Pipelines[i]
		out[i] = typedPipeline(p.ID, p.Source, p.Rules, p.Stages, p.StageSources, false, compile)
	}
	return out
}

// promtailPipelines are the scrape configs of the Promtail config the
// generator marshalled, with the spec paths of the pipelines they
// parallel.
func promtailPipelines(c *logs.Collector) []*collectorPipeline {
	if c.Promtail == nil {
		return nil
	}
	compile := scrape.NewRegexps().Compile
	out := make([]*collectorPipeline, len(c.Promtail.ScrapeConfigs))
	for i, sc := range c.Promtail.ScrapeConfigs {
		var source string
		var stageSources []string
		if i < len(c.Pipelines) {
			source, stageSources = c.Pipelines[i].Source, c.Pipelines[i].StageSources
		}
		out[i] = typedPipeline(sc.JobName, source, sc.RelabelConfigs, sc.PipelineStages, stageSources, true, compile)
	}
	return out
}

func typedPipeline(id, source string, rules []logs.RelabelRule, stages []logs.Stage, stageSources []string, promtail bool, compile regexpCompiler) *collectorPipeline {
	p := &collectorPipeline{id: id, source: source}
	for _, r := range rules {
		c, err := typedRelabel(r, compile)
		if err != nil {
			p.partial = true
			continue
		}
		p.relabel = append(p.relabel, c)
	}
	p.stages = make([]collectorStage, len(stages))
	for i, st := range stages {
		p.stages[i] = typedStage(st, promtail)
		if i < len(stageSources) {
			p.stages[i].src = stageSources[i]
		}
	}
	return p
}

// typedRelabel is a relabel rule as Prometheus reads it: the fields the
// generator leaves out take relabel.DefaultRelabelConfig's values (both
// collectors have Prometheus's defaults), and the action is validated by
// relabel.Action's own decoder.
func typedRelabel(r logs.RelabelRule, compile regexpCompiler) (*relabel.Config, error) {
	c := relabel.DefaultRelabelConfig
	for _, l := range r.SourceLabels {
		c.SourceLabels = append(c.SourceLabels, prommodel.LabelName(l))
	}
	if r.Separator != "" {
		c.Separator = r.Separator
	}
	if r.Regex != "" {
		re, err := compile(r.Regex)
		if err != nil {
			return nil, err
		}
		c.Regex = re
	}
	c.TargetLabel = r.TargetLabel
	if r.Replacement != "" {
		c.Replacement = r.Replacement
	}
	if r.Action != "" {
		if err := c.Action.UnmarshalYAML(decodeString(r.Action)); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// decodeString is a YAML unmarshal function that yields s: it lets a
// Prometheus type validate a typed value with its own UnmarshalYAML.
func decodeString(s string) func(any) error {
	return func(v any) error {
		p, ok := v.(*string)
		if !ok {
			return errors.New("not a string")
		}
		*p = s
		return nil
	}
}

// typedStage is a pipeline stage in the checks' form, named as the
// collector names it (Promtail's labeldrop is Alloy's stage.label_drop).
func typedStage(st logs.Stage, promtail bool) collectorStage {
	var s collectorStage
	if st.CRI != nil {
		s.kinds++
		s.name = "cri"
	}
	if st.LabelDrop != nil {
		s.kinds++
		s.name, s.values = "label_drop", st.LabelDrop.Values
		if promtail {
			s.name = "labeldrop"
		}
	}
	if st.Drop != nil {
		s.kinds++
		s.name, s.source, s.expression = "drop", st.Drop.Source, st.Drop.Expression
	}
	if st.Match != nil {
		s.kinds++
		s.name, s.selector, s.action = "match", st.Match.Selector, st.Match.Action
	}
	if st.Regex != nil {
		s.kinds++
		s.name, s.expression = "regex", st.Regex.Expression
	}
	return s
}

// pipelineOf returns the pipeline of workload w, or nil.
func (ci *collectorInfo) pipelineOf(w *model.Workload) *collectorPipeline {
	id := logs.AlloyLabel(w.Name)
	if ci.kind == model.CollectorPromtail {
		id = logs.PromtailJobName(w.Name, w.Namespace)
	}
	return ci.byID[id]
}

// streamLabels returns the labels a pipeline's streams carry (dynamic is
// true when a labelmap rule adds labels not known in advance).
func (p *collectorPipeline) streamLabels() (labels []string, dynamic bool) {
	set := map[string]bool{}
	for _, r := range p.relabel {
		switch r.Action {
		case relabel.Replace, relabel.Lowercase, relabel.Uppercase, relabel.HashMod:
			if r.TargetLabel != "" && !strings.HasPrefix(r.TargetLabel, "__") && !strings.Contains(r.TargetLabel, "$") {
				set[r.TargetLabel] = true
			}
		case relabel.LabelMap:
			dynamic = true
		}
	}
	// Both collectors' file tailers add the file name.
	set["filename"] = true
	for _, s := range p.stages {
		switch s.name {
		case "cri", "docker":
			set["stream"] = true
		case "labels", "static_labels":
			for _, v := range s.values {
				set[v] = true
			}
		case "label_drop", "labeldrop":
			for _, v := range s.values {
				delete(set, v)
			}
		case "label_keep", "labelallow":
			for k := range set {
				if !slices.Contains(s.values, k) {
					delete(set, k)
				}
			}
		}
	}
	for k := range set {
		labels = append(labels, k)
	}
	slices.Sort(labels)
	return labels, dynamic
}

// regexpCompiler is relabel.NewRegexp, or a cache of it (scrape.Regexps).
type regexpCompiler func(s string) (relabel.Regexp, error)
