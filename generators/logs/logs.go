// Package logs generates the log collector: a Grafana Alloy config (the
// default) or a Promtail config (for existing installs), with the Helm values
// that install the collector as a DaemonSet reading /var/log/pods.
//
// The seed tutorial's Promtail config kept pods by component label but built
// __path__ from the namespace (so it tailed nothing), had no CRI stage, and
// labelmapped every pod label into Loki (a cardinality bomb). Here every
// stream carries exactly namespace, pod, container, workload (plus the spec's
// static extra labels and the CRI stage's stream label), the path comes from
// the pod uid and container name, and each workload gets its own filters.
//
// Both collectors are generated from one plan (relabel rules and pipeline
// stages, see relabel.go and pipeline.go), so they cannot drift apart.
package logs

import (
	"slices"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Paths of the generated files in the overlay.
const (
	AlloyConfigPath    = artifact.StackDir + "/logs/config.alloy"
	AlloyValuesPath    = artifact.StackDir + "/values/alloy.yaml"
	PromtailConfigPath = artifact.StackDir + "/logs/promtail.yaml"
	PromtailValuesPath = artifact.StackDir + "/values/promtail.yaml"
)

// Names of the generated Helm values ConfigMaps (referenced by the
// HelmReleases' valuesFrom, so without a hash suffix).
const (
	AlloyValuesConfigMap    = "values-alloy"
	PromtailValuesConfigMap = "values-promtail"
	ValuesKey               = "values.yaml"
)

// source is the spec path problems in the collector files are reported at.
const source = "stack.logCollector"

// New returns the log collector generator.
func New() generators.Generator {
	return generators.Func{N: "logs", F: generate}
}

func generate(s *model.Spec) ([]artifact.File, error) {
	p, err := newPlan(s)
	if err != nil {
		return nil, err
	}
	if s.Stack.LogCollector.Kind == model.CollectorPromtail {
		return promtailFiles(p)
	}
	return alloyFiles(p)
}

// plan is what both collectors are rendered from.
type plan struct {
	pushURL    string
	namespaces []string // sorted, distinct
	workloads  []workloadPlan
}

type workloadPlan struct {
	w            *model.Workload
	rules        []RelabelRule // discovery relabeling, collector-neutral
	stages       []Stage       // pipeline after tailing, collector-neutral
	stageSources []string      // spec path of each stage (Pipeline.StageSources)
}

// PushURL is where the collector sends logs: the Loki gateway Service.
func PushURL(s *model.Spec) string { return stack.LokiURL(s) + "/loki/api/v1/push" }

// Collected returns the workloads whose logs are collected, in spec order.
func Collected(s *model.Spec) []*model.Workload {
	var out []*model.Workload
	for _, w := range s.Workloads {
		if w.Logs.Enabled {
			out = append(out, w)
		}
	}
	return out
}

func newPlan(s *model.Spec) (*plan, error) {
	p := &plan{pushURL: PushURL(s)}
	valid := validRegexes{}
	for _, w := range Collected(s) {
		if !slices.Contains(p.namespaces, w.Namespace) {
			p.namespaces = append(p.namespaces, w.Namespace)
		}
		st, sources, err := stages(w, valid)
		if err != nil {
			return nil, err
		}
		p.workloads = append(p.workloads, workloadPlan{
			w:            w,
			rules:        relabelRules(w, s.Logs.ExtraLabels),
			stages:       st,
			stageSources: sources,
		})
	}
	slices.Sort(p.namespaces)
	return p, nil
}

// valuesFile is a chart values file; its Value is v, the values marshalled.
func valuesFile(path, name string, v any) (artifact.File, error) {
	data, err := artifact.YAML(v)
	if err != nil {
		return artifact.File{}, err
	}
	return artifact.File{
		Path:   path,
		Data:   data,
		Role:   artifact.ConfigMapData,
		Object: &artifact.Generated{Name: name, Key: ValuesKey, Labels: stack.ValuesLabels(), Hash: false},
		Source: source,
		Value:  v,
	}, nil
}
