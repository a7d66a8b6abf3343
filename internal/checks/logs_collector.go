package checks

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/grafana/alloy/syntax/ast"
	alloyparser "github.com/grafana/alloy/syntax/parser"
	"github.com/grafana/alloy/syntax/vm"
	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/discovery/kubernetes"
	"github.com/prometheus/prometheus/model/relabel"
	yamlv2 "go.yaml.in/yaml/v2"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// This file reads the generated log collector config (Alloy or Promtail)
// into one collector-neutral form: per pipeline, the discovery relabel rules
// (as Prometheus relabel.Config) and the processing stages.

// collectorInfo is the parsed collector config.
type collectorInfo struct {
	kind      string // model.CollectorAlloy or model.CollectorPromtail
	file      *artifact.File
	err       error
	pipelines []*collectorPipeline
	promtail  *promtailFile
	// byID indexes pipelines by id (the first of each), for pipelineOf.
	byID map[string]*collectorPipeline
}

// collectorPipeline is one workload's discovery → tail → process chain.
type collectorPipeline struct {
	id      string // Alloy component label or Promtail job name
	relabel []*relabel.Config
	stages  []collectorStage
	// undecodable relabel rules (Alloy), reported by no check here: the
	// Alloy parser check covers syntax.
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
}

// parseCollector returns the parsed collector config of the spec (file nil
// when none was generated).
func parseCollector(in *Input) *collectorInfo {
	ci := &collectorInfo{kind: in.Spec.Stack.LogCollector.Kind}
	switch ci.kind {
	case model.CollectorPromtail:
		ci.file = in.File(logs.PromtailConfigPath)
		if ci.file != nil {
			ci.promtail, ci.err = decodePromtail(ci.file.Data)
			if ci.err == nil {
				ci.pipelines = promtailPipelines(ci.promtail)
			}
		}
	default:
		ci.file = in.File(logs.AlloyConfigPath)
		if ci.file != nil {
			p := in.alloy()
			ci.err = p.err
			if p.err == nil {
				ci.pipelines = alloyPipelines(p.f, newRegexpCache().compile)
			}
		}
	}
	ci.byID = make(map[string]*collectorPipeline, len(ci.pipelines))
	for _, p := range ci.pipelines {
		if _, seen := ci.byID[p.id]; !seen {
			ci.byID[p.id] = p
		}
	}
	return ci
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

// alloyParse is the generated Alloy config parsed with Alloy's own parser
// (f nil when none was generated).
type alloyParse struct {
	f   *ast.File
	err error
}

// parseAlloy parses the generated Alloy config.
func parseAlloy(in *Input) alloyParse {
	f := in.File(logs.AlloyConfigPath)
	if f == nil {
		return alloyParse{}
	}
	af, err := alloyparser.ParseFile(f.Path, f.Data)
	return alloyParse{af, err}
}

func alloyBlocks(body ast.Body, name string) []*ast.BlockStmt {
	var out []*ast.BlockStmt
	for _, st := range body {
		if b, ok := st.(*ast.BlockStmt); ok && strings.Join(b.Name, ".") == name {
			out = append(out, b)
		}
	}
	return out
}

// alloyAttr evaluates a constant attribute of body into v.
func alloyAttr(body ast.Body, name string, v any) (found bool, err error) {
	for _, st := range body {
		if a, ok := st.(*ast.AttributeStmt); ok && a.Name.Name == name {
			return true, vm.New(a.Value).Evaluate(nil, v)
		}
	}
	return false, nil
}

func alloyPipelines(f *ast.File, compile regexpCompiler) []*collectorPipeline {
	process := map[string]*ast.BlockStmt{}
	for _, b := range alloyBlocks(f.Body, "loki.process") {
		process[b.Label] = b
	}
	var out []*collectorPipeline
	for _, b := range alloyBlocks(f.Body, "discovery.relabel") {
		p := &collectorPipeline{id: b.Label}
		for _, rb := range alloyBlocks(b.Body, "rule") {
			r, err := alloyRule(rb.Body, compile)
			if err != nil {
				p.partial = true
				continue
			}
			p.relabel = append(p.relabel, r)
		}
		if pb := process[b.Label]; pb != nil {
			for _, st := range pb.Body {
				sb, ok := st.(*ast.BlockStmt)
				if !ok || len(sb.Name) != 2 || sb.Name[0] != "stage" {
					continue
				}
				s := collectorStage{name: sb.Name[1]}
				_, _ = alloyAttr(sb.Body, "source", &s.source)
				_, _ = alloyAttr(sb.Body, "expression", &s.expression)
				_, _ = alloyAttr(sb.Body, "selector", &s.selector)
				_, _ = alloyAttr(sb.Body, "action", &s.action)
				switch s.name {
				case "label_drop", "label_keep":
					_, _ = alloyAttr(sb.Body, "values", &s.values)
				case "labels", "static_labels":
					var m map[string]any
					if ok, err := alloyAttr(sb.Body, "values", &m); ok && err == nil {
						for k := range m {
							s.values = append(s.values, k)
						}
						slices.Sort(s.values)
					}
				}
				p.stages = append(p.stages, s)
			}
		}
		out = append(out, p)
	}
	return out
}

// alloyRule converts a discovery.relabel rule block (same fields and
// defaults as Prometheus's relabel_config).
func alloyRule(body ast.Body, compile regexpCompiler) (*relabel.Config, error) {
	r := relabel.DefaultRelabelConfig
	var regex, action string
	var sources []string
	for _, f := range []struct {
		name string
		v    any
	}{
		{"source_labels", &sources}, {"separator", &r.Separator}, {"regex", &regex},
		{"target_label", &r.TargetLabel}, {"replacement", &r.Replacement}, {"action", &action}, {"modulus", &r.Modulus},
	} {
		if _, err := alloyAttr(body, f.name, f.v); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	for _, l := range sources {
		r.SourceLabels = append(r.SourceLabels, prommodel.LabelName(l))
	}
	if regex != "" {
		re, err := compile(regex)
		if err != nil {
			return nil, err
		}
		r.Regex = re
	}
	if action != "" {
		r.Action = relabel.Action(strings.ToLower(action))
	}
	return &r, nil
}

// promtailFile is a Promtail config, decoded with Prometheus's own relabel
// and kubernetes_sd types (which validate as they decode).
type promtailFile struct {
	Server        map[string]any   `yaml:"server,omitempty"`
	Positions     map[string]any   `yaml:"positions,omitempty"`
	Clients       []map[string]any `yaml:"clients,omitempty"`
	ScrapeConfigs []promtailScrape `yaml:"scrape_configs,omitempty"`
	TargetConfig  map[string]any   `yaml:"target_config,omitempty"`
	LimitsConfig  map[string]any   `yaml:"limits_config,omitempty"`
	Options       map[string]any   `yaml:"options,omitempty"`
	Tracing       map[string]any   `yaml:"tracing,omitempty"`
	Global        map[string]any   `yaml:"global,omitempty"`
}

type promtailScrape struct {
	JobName             string                 `yaml:"job_name"`
	KubernetesSDConfigs []*kubernetes.SDConfig `yaml:"kubernetes_sd_configs,omitempty"`
	StaticConfigs       []map[string]any       `yaml:"static_configs,omitempty"`
	FileSDConfigs       []map[string]any       `yaml:"file_sd_configs,omitempty"`
	RelabelConfigs      []*relabel.Config      `yaml:"relabel_configs,omitempty"`
	PipelineStages      []map[string]any       `yaml:"pipeline_stages,omitempty"`
	Encoding            string                 `yaml:"encoding,omitempty"`
	Decompression       map[string]any         `yaml:"decompression,omitempty"`
	LimitsConfig        map[string]any         `yaml:"limits_config,omitempty"`
}

func decodePromtail(data []byte) (*promtailFile, error) {
	var pf promtailFile
	if err := yamlv2.UnmarshalStrict(data, &pf); err != nil {
		return nil, cleanYAMLv2Err(err)
	}
	return &pf, nil
}

// yamlGoType is the " in type pkg.T" suffix of a YAML type error.
var yamlGoType = regexp.MustCompile(` in type [\w.*\[\]]+`)

// cleanYAMLv2Err joins a YAML type error's lines and drops Go type names.
func cleanYAMLv2Err(err error) error {
	var te *yamlv2.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			msgs[i] = yamlGoType.ReplaceAllString(m, "")
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	return err
}

func promtailPipelines(pf *promtailFile) []*collectorPipeline {
	var out []*collectorPipeline
	for _, sc := range pf.ScrapeConfigs {
		p := &collectorPipeline{id: sc.JobName, relabel: sc.RelabelConfigs}
		for _, st := range sc.PipelineStages {
			p.stages = append(p.stages, promtailStages(st)...)
		}
		out = append(out, p)
	}
	return out
}

// promtailStages converts one pipeline_stages item (one key: the stage).
func promtailStages(st map[string]any) []collectorStage {
	var out []collectorStage
	for name, v := range st {
		s := collectorStage{name: name}
		switch x := v.(type) {
		case map[any]any:
			s.source, _ = x["source"].(string)
			s.expression, _ = x["expression"].(string)
			s.selector, _ = x["selector"].(string)
			s.action, _ = x["action"].(string)
			if name == "labels" || name == "static_labels" {
				for k := range x {
					s.values = append(s.values, fmt.Sprint(k))
				}
				slices.Sort(s.values)
			}
		case []any:
			for _, e := range x {
				s.values = append(s.values, fmt.Sprint(e))
			}
		}
		out = append(out, s)
	}
	return out
}

// regexpCompiler is relabel.NewRegexp, or a cache of it.
type regexpCompiler func(s string) (relabel.Regexp, error)

// regexpCache compiles each distinct relabel regex once.
//
// Why: the generated Alloy config repeats the same few regexes (pod phase,
// component, namespace) across thousands of rules, and each compile
// allocates a program. A compiled regexp is safe for concurrent use and
// relabelling only reads it, so the rules can share it; the error of a
// regex that does not compile is the same error each time.
type regexpCache map[string]regexpResult

type regexpResult struct {
	re  relabel.Regexp
	err error
}

func newRegexpCache() regexpCache { return regexpCache{} }

func (c regexpCache) compile(s string) (relabel.Regexp, error) {
	r, ok := c[s]
	if !ok {
		r.re, r.err = relabel.NewRegexp(s)
		c[s] = r
	}
	return r.re, r.err
}
