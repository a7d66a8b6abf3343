// Package controllers describes the training controllers a training
// workload can run under (`training: controller: "pytorchjob"`), as data:
// the Kubernetes object one run of the workload is, and which series of
// kube-state-metrics tell that a run failed or retried. One file per
// controller; the generators (alerts, kube-state-metrics values, dashboard),
// the metric catalog, the checks and the rule-test generator read this data
// instead of switching on the controller's name.
//
// Every controller's state comes from kube-state-metrics: natively for the
// batch Job (kube_job_*), and through kube-state-metrics' custom-resource-state
// metrics for the custom resources (see crs.go), configured in the generated
// kube-prometheus-stack values. The controllers' own metrics are listed
// (OwnMetrics) but no alert reads them: none of them can be narrowed to one
// workload's runs in one namespace (they are per namespace and framework, per
// cluster queue, or lack the namespace), and the generated stack does not
// scrape the controllers.
package controllers

import (
	"slices"
	"strings"
)

// Controller is one training controller.
type Controller struct {
	// Name is the spec's value of training.controller.
	Name string
	// Title names the controller in messages, the README and panels.
	Title string
	// Object is the Kubernetes object one run of the workload is.
	Object Object
	// Failed is the state of a run that has failed for good.
	Failed State
	// Running is the state of a run going well, nil when the object shows
	// none (a JobSet, a TrainJob: no condition until they end; a Job).
	Running *State
	// Retries counts the times a run was retried after a failure (its pods
	// recreated, the whole run restarted); nil when the object does not
	// count them (container restarts are watched for every controller).
	Retries *Count
	// Kueue reports that Kueue's job integration manages this controller's
	// objects: Kueue creates a Workload per run, owned by the object.
	Kueue bool
	// OwnMetrics are the controller's own metrics, for the record.
	OwnMetrics []OwnMetric
	// Sources are the files the facts above come from (repo@ref: path).
	Sources []string
}

// Object is a Kubernetes API object kind.
type Object struct {
	Group, Version, Kind string
	// Resource is the plural resource name (RBAC, kube-state-metrics).
	Resource string
	// NameLabel is the label naming the object on its series (job_name
	// for kube-state-metrics' Job series).
	NameLabel string
	// Native: kube-state-metrics exports the object's state itself (the
	// batch Job); otherwise the object's state comes from the
	// custom-resource-state metrics described by CRS.
	Native bool
	// LabelsMetric is the series carrying the object's labels as
	// label_<key> (kube_job_labels; the custom resource's _info series).
	LabelsMetric string
	// CRS describes the custom-resource-state metrics of the object.
	CRS *CRS
}

// CRS is what the generated kube-state-metrics custom-resource-state config
// exports of an object, besides its _info series (LabelsMetric).
type CRS struct {
	// Prefix starts the names of the object's metrics:
	// kube_customresource_<Prefix>_info, ..._status_condition, ...
	Prefix string
	// Conditions: status.conditions (metav1.Condition) as one gauge per
	// condition type, 1 when its status is True.
	Conditions bool
	// Phase is a string field of status, as a StateSet.
	Phase *Phase
	// Counts are integer fields of status, as gauges.
	Counts []CountField
}

// Phase is a status field holding one of a fixed set of states.
type Phase struct {
	Path   []string
	States []string
}

// CountField is an integer field of status.
type CountField struct {
	// Name ends the metric name: kube_customresource_<prefix>_status_<Name>.
	Name string
	Path []string
	Help string
}

// StateFrom says which series a State reads.
type StateFrom int

const (
	// FromMetric: the series named by State.Metric (a native one).
	FromMetric StateFrom = iota
	// FromConditions: the object's condition gauge, label "type".
	FromConditions
	// FromPhase: the object's phase StateSet, label "phase".
	FromPhase
)

// State is a set of values of one label of one series that mean a state,
// the series being 1 while the object is in it.
type State struct {
	From StateFrom
	// Metric and Label, for FromMetric.
	Metric, Label string
	Values        []string
}

// Count is a counting series of the object.
type Count struct {
	// Metric is the series (a native one), or "" for the CRS count Field.
	Metric string
	// Field names a CRS count of the object (CountField.Name).
	Field string
	// Match are extra label/value pairs selecting the counting series.
	Match []string
}

// OwnMetric is a metric the controller exports itself.
type OwnMetric struct {
	Name   string
	Type   string
	Labels []string
	// Why no alert reads it.
	Note string
	// Source is the file defining it.
	Source string
}

// MetricPrefix is the name prefix of custom-resource-state metrics when
// the config sets no metricNamePrefix: "kube_customresource"
// (kube-state-metrics v2.20.0 pkg/customresourcestate/config.go,
// GetMetricNamePrefix; fullName joins prefix and name with "_").
const MetricPrefix = "kube_customresource"

// Labels kube-state-metrics puts on every custom-resource-state series
// (v2.20.0 pkg/customresourcestate/registry_factory.go, compile).
const (
	LabelGroup   = "customresource_group"
	LabelVersion = "customresource_version"
	LabelKind    = "customresource_kind"
)

// Labels of the generated custom-resource-state series.
const (
	// ConditionLabel holds a condition's type on the condition gauge.
	ConditionLabel = "type"
	// PhaseLabel holds the state on the phase StateSet.
	PhaseLabel = "phase"
)

// MetricName is the full name of an object's custom-resource-state metric.
func (c *CRS) MetricName(name string) string { return MetricPrefix + "_" + c.Prefix + "_" + name }

// InfoMetric, ConditionMetric, PhaseMetric, CountMetric name the object's
// custom-resource-state series.
func (c *CRS) InfoMetric() string      { return c.MetricName("info") }
func (c *CRS) ConditionMetric() string { return c.MetricName("status_condition") }
func (c *CRS) PhaseMetric() string     { return c.MetricName("status_phase") }
func (c *CRS) CountMetric(field string) string {
	return c.MetricName("status_" + field)
}

// Selector is the series, label and values of a state of the controller's object.
func (c *Controller) Selector(s State) (metric, label string) {
	switch s.From {
	case FromConditions:
		return c.Object.CRS.ConditionMetric(), ConditionLabel
	case FromPhase:
		return c.Object.CRS.PhaseMetric(), PhaseLabel
	}
	return s.Metric, s.Label
}

// CountMetric is the series of a count of the controller's object.
func (c *Controller) CountMetric(n *Count) string {
	if n.Metric != "" {
		return n.Metric
	}
	return c.Object.CRS.CountMetric(n.Field)
}

// APIVersion is the object's apiVersion (group/version, or version for the core group).
func (o Object) APIVersion() string {
	if o.Group == "" {
		return o.Version
	}
	return o.Group + "/" + o.Version
}

var registry = map[string]*Controller{}

func register(c *Controller) *Controller {
	if _, dup := registry[c.Name]; dup {
		panic("controllers: " + c.Name + " registered twice")
	}
	registry[c.Name] = c
	return c
}

// Default is the controller of a training workload that names none.
const Default = "job"

// Names are the controllers' names, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// All returns the controllers, sorted by name.
func All() []*Controller {
	out := make([]*Controller, 0, len(registry))
	for _, n := range Names() {
		out = append(out, registry[n])
	}
	return out
}

// alternation is a regex matching exactly one of values (no metacharacter
// appears in the data's values; the generators quote spec values).
func alternation(values []string) string { return strings.Join(values, "|") }

// ValuesMatcher is the matcher value of a state's values: "=v" for one,
// "=~a|b" for several (as stack.Matchers reads it).
func ValuesMatcher(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return "=~" + alternation(values)
}

// For returns the controller called name, the default one for "" (a model
// built without the schema's default), or nil for an unknown name.
func For(name string) *Controller {
	if name == "" {
		name = Default
	}
	return registry[name]
}
