package controllers

import (
	"slices"

	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// The kube-state-metrics custom-resource-state config, as its types read it
// (kubernetes/kube-state-metrics v2.20.0: pkg/customresourcestate/config.go,
// config_metrics_types.go; docs/metrics/extend/customresourcestate-metrics.md).
// kube-state-metrics decodes the file without rejecting unknown fields, so a
// misspelt key would be ignored silently: these types have exactly its keys.
// The kube-state-metrics chart (kube-prometheus-stack 88.5.3's subchart
// 8.4.0, values.yaml customResourceState) writes `config` into a ConfigMap
// and passes --custom-resource-state-config-file.

// CRSConfig is the whole config.
type CRSConfig struct {
	Kind string  `json:"kind"`
	Spec CRSSpec `json:"spec"`
}

type CRSSpec struct {
	Resources []CRSResource `json:"resources"`
}

// CRSResource is one custom resource kind.
type CRSResource struct {
	GroupVersionKind GroupVersionKind    `json:"groupVersionKind"`
	LabelsFromPath   map[string][]string `json:"labelsFromPath,omitempty"`
	Metrics          []CRSMetric         `json:"metrics"`
}

type GroupVersionKind struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

// CRSMetric is one metric family (named <prefix>_<Name>).
type CRSMetric struct {
	Name string  `json:"name"`
	Help string  `json:"help"`
	Each CRSEach `json:"each"`
}

// CRSEach is the metric's type and how its value and labels are read.
type CRSEach struct {
	Type     string       `json:"type"`
	Gauge    *CRSGauge    `json:"gauge,omitempty"`
	Info     *CRSInfo     `json:"info,omitempty"`
	StateSet *CRSStateSet `json:"stateSet,omitempty"`
}

type CRSGauge struct {
	Path           []string            `json:"path"`
	LabelsFromPath map[string][]string `json:"labelsFromPath,omitempty"`
	ValueFrom      []string            `json:"valueFrom,omitempty"`
	NilIsZero      bool                `json:"nilIsZero,omitempty"`
}

type CRSInfo struct {
	Path           []string            `json:"path"`
	LabelsFromPath map[string][]string `json:"labelsFromPath"`
}

type CRSStateSet struct {
	Path      []string `json:"path"`
	LabelName string   `json:"labelName"`
	List      []string `json:"list"`
}

// RBACRule is a (Cluster)Role rule, as the chart's rbac.extraRules takes it.
type RBACRule struct {
	APIGroups []string `json:"apiGroups"`
	Resources []string `json:"resources"`
	Verbs     []string `json:"verbs"`
}

// Use is a controller the spec's workloads run under, with the selector
// label keys of those workloads: the keys its _info series must carry.
type Use struct {
	Controller *Controller
	LabelKeys  []string
}

// Config returns the custom-resource-state config for the controllers in
// use (those with a custom resource) and, with kueue, Kueue's Workload; and
// the RBAC rules kube-state-metrics needs to list and watch them. ok is
// false when there is nothing to configure.
func Config(uses []Use, kueue bool) (cfg CRSConfig, rules []RBACRule, ok bool) {
	cfg.Kind = "CustomResourceStateMetrics"
	for _, u := range uses {
		o := u.Controller.Object
		if o.CRS == nil {
			continue
		}
		cfg.Spec.Resources = append(cfg.Spec.Resources, objectResource(o, u.LabelKeys))
		rules = append(rules, rule(o))
	}
	if kueue {
		cfg.Spec.Resources = append(cfg.Spec.Resources, kueueResource())
		rules = append(rules, rule(Kueue.Object))
	}
	slices.SortFunc(rules, func(a, b RBACRule) int {
		if c := slices.Compare(a.APIGroups, b.APIGroups); c != 0 {
			return c
		}
		return slices.Compare(a.Resources, b.Resources)
	})
	return cfg, rules, len(cfg.Spec.Resources) > 0
}

func rule(o Object) RBACRule {
	return RBACRule{APIGroups: []string{o.Group}, Resources: []string{o.Resource}, Verbs: []string{"list", "watch"}}
}

func gvk(o Object) GroupVersionKind {
	return GroupVersionKind{Group: o.Group, Version: o.Version, Kind: o.Kind}
}

// objectLabels name the object on every series of its resource.
func objectLabels(o Object) map[string][]string {
	return map[string][]string{
		stack.LabelNamespace: {"metadata", "namespace"},
		o.NameLabel:          {"metadata", "name"},
	}
}

// objectResource: the object's _info series carrying the label keys as
// label_<key> (as kube_job_labels does), its conditions, phase and counts.
func objectResource(o Object, keys []string) CRSResource {
	c := o.CRS
	r := CRSResource{GroupVersionKind: gvk(o), LabelsFromPath: objectLabels(o)}
	info := map[string][]string{}
	for _, k := range keys {
		info[stack.KSMLabel(k)] = []string{"labels", k}
	}
	r.Metrics = append(r.Metrics, CRSMetric{
		Name: c.Prefix + "_info",
		Help: "The " + o.Kind + "'s labels that dataopsgen workload selectors use, as label_<key>.",
		Each: CRSEach{Type: "Info", Info: &CRSInfo{Path: []string{"metadata"}, LabelsFromPath: info}},
	})
	r.Metrics = append(r.Metrics, stateMetrics(o)...)
	return r
}

// stateMetrics are the condition gauge, phase StateSet and counts of o.
func stateMetrics(o Object) []CRSMetric {
	c := o.CRS
	var out []CRSMetric
	if c.Conditions {
		out = append(out, CRSMetric{
			Name: c.Prefix + "_status_condition",
			Help: "The " + o.Kind + "'s status conditions: 1 when the condition of the type is True.",
			Each: CRSEach{Type: "Gauge", Gauge: &CRSGauge{
				Path:           []string{"status", "conditions"},
				LabelsFromPath: map[string][]string{ConditionLabel: {"type"}},
				ValueFrom:      []string{"status"},
			}},
		})
	}
	if p := c.Phase; p != nil {
		out = append(out, CRSMetric{
			Name: c.Prefix + "_status_phase",
			Help: "The " + o.Kind + "'s " + p.Path[len(p.Path)-1] + ": 1 on the current one.",
			Each: CRSEach{Type: "StateSet", StateSet: &CRSStateSet{Path: p.Path, LabelName: PhaseLabel, List: p.States}},
		})
	}
	for _, n := range c.Counts {
		out = append(out, CRSMetric{
			Name: c.Prefix + "_status_" + n.Name,
			Help: n.Help,
			Each: CRSEach{Type: "Gauge", Gauge: &CRSGauge{Path: n.Path, NilIsZero: true}},
		})
	}
	return out
}

// kueueResource: the Workload named by kueue_workload, with its owner and
// queue on every series.
func kueueResource() CRSResource {
	o := Kueue.Object
	labels := objectLabels(o)
	labels[OwnerKindLabel] = []string{"metadata", "ownerReferences", "0", "kind"}
	labels[OwnerNameLabel] = []string{"metadata", "ownerReferences", "0", "name"}
	r := CRSResource{GroupVersionKind: gvk(o), LabelsFromPath: labels}
	r.Metrics = append(r.Metrics, CRSMetric{
		Name: o.CRS.Prefix + "_info",
		Help: "Every Kueue Workload, with the queue it is submitted to.",
		Each: CRSEach{Type: "Info", Info: &CRSInfo{Path: []string{"spec"}, LabelsFromPath: map[string][]string{QueueLabel: {"queueName"}}}},
	})
	r.Metrics = append(r.Metrics, stateMetrics(o)...)
	return r
}

// Series is one metric of the generated config and the labels its series
// carry (besides those of the kube-state-metrics scrape target).
type Series struct {
	Name   string
	Labels []string
	Help   string
}

// SeriesOf lists the series a config exports, in config order. A label
// from labelsFromPath whose path does not resolve is left out by
// kube-state-metrics (addPathLabels): the list holds every label a series
// can carry.
func SeriesOf(cfg CRSConfig) []Series {
	var out []Series
	for _, r := range cfg.Spec.Resources {
		common := []string{LabelGroup, LabelVersion, LabelKind}
		for k := range r.LabelsFromPath {
			common = append(common, k)
		}
		for _, m := range r.Metrics {
			labels := slices.Clone(common)
			switch {
			case m.Each.Gauge != nil:
				for k := range m.Each.Gauge.LabelsFromPath {
					labels = append(labels, k)
				}
			case m.Each.Info != nil:
				for k := range m.Each.Info.LabelsFromPath {
					labels = append(labels, k)
				}
			case m.Each.StateSet != nil:
				labels = append(labels, m.Each.StateSet.LabelName)
			}
			slices.Sort(labels)
			out = append(out, Series{Name: MetricPrefix + "_" + m.Name, Labels: slices.Compact(labels), Help: m.Help})
		}
	}
	return out
}

// CommonLabels are the labels and values every custom-resource-state series
// of the object named namespace/name carries.
func (o Object) CommonLabels(namespace, name string) map[string]string {
	return map[string]string{
		LabelGroup: o.Group, LabelVersion: o.Version, LabelKind: o.Kind,
		stack.LabelNamespace: namespace, o.NameLabel: name,
	}
}
