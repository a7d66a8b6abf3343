// Package rules generates the PrometheusRule objects: the alerts of every
// workload (one group per workload, bundled per namespace: see bundle.go),
// and the user's extra rule groups.
//
// The seed tutorial's alerts could never fire: they filtered on labels the
// scrape config never attached, read a histogram the app does not export,
// expected `up` to still exist when the pods are gone, and wrote
// `$labels{pod}` (literal text) in annotations. Each alert here filters only
// on labels the generated scrape relabeling or kube-state-metrics provide.
package rules

import (
	"fmt"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Group is one rule group with the spec path it comes from.
type Group struct {
	monitoringv1.RuleGroup
	Source string
	// Rules' sources, parallel to RuleGroup.Rules.
	RuleSources []string
}

// Object is one PrometheusRule with its file path and the spec path of each
// of its groups (Groups parallels Rule.Spec.Groups). The generator hands it
// to the checks and the routing summary as its file's artifact.File.Value,
// so that they neither decode the bytes nor run the generator again.
type Object struct {
	Path   string
	Rule   *monitoringv1.PrometheusRule
	Groups []Group
}

// Dir holds the PrometheusRule files.
const Dir = artifact.ConfigDir + "/prometheus-rules/"

// New returns the rules generator.
func New() generators.Generator {
	return generators.Func{N: "rules", F: generate}
}

func generate(s *model.Spec) ([]artifact.File, error) {
	var files []artifact.File
	for _, o := range Objects(s) {
		data, err := artifact.YAML(o.Rule)
		if err != nil {
			return nil, err
		}
		files = append(files, artifact.File{Path: o.Path, Data: data, Role: artifact.Resource, Source: o.Groups[0].Source, Value: &o})
	}
	return files, nil
}

// Objects returns the PrometheusRule objects: the workloads' groups bundled
// per namespace (see bundle.go), one per extra rule group. They carry the
// label the generated rule selector matches.
func Objects(s *model.Spec) []Object {
	out := workloadObjects(s)
	out = append(out, sloObjects(s)...)
	for _, eg := range s.ExtraRules {
		g := ExtraGroup(eg)
		out = append(out, object(s, "dataops-extra-"+eg.Name, Dir+"extra/"+eg.Name+".yaml", g))
	}
	return out
}

// SelectorLabels are the labels of every generated PrometheusRule; the Helm
// values set the rule selector to exactly these.
func SelectorLabels(s *model.Spec) map[string]string {
	return map[string]string{"release": s.Stack.Prometheus.Release}
}

func object(s *model.Spec, name, path string, groups ...Group) Object {
	labels := SelectorLabels(s)
	labels["app.kubernetes.io/managed-by"] = "dataopsgen"
	rgs := make([]monitoringv1.RuleGroup, len(groups))
	for i, g := range groups {
		rgs[i] = g.RuleGroup
	}
	return Object{
		Path: path,
		Rule: &monitoringv1.PrometheusRule{
			TypeMeta: metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1", Kind: "PrometheusRule"},
			ObjectMeta: metav1.ObjectMeta{
				Name:      name,
				Namespace: s.Stack.Namespace,
				Labels:    labels,
			},
			Spec: monitoringv1.PrometheusRuleSpec{Groups: rgs},
		},
		Groups: groups,
	}
}

// ExtraGroup converts a user-written group.
func ExtraGroup(eg *model.RuleGroup) Group {
	g := Group{RuleGroup: monitoringv1.RuleGroup{Name: eg.Name}, Source: load.PathString("extraRules", eg.Name)}
	if eg.Interval != "" {
		d := monitoringv1.Duration(eg.Interval)
		g.Interval = &d
	}
	for i, r := range eg.Rules {
		rule := monitoringv1.Rule{
			Alert:       r.Alert,
			Record:      r.Record,
			Expr:        intstr.FromString(r.Expr),
			Labels:      emptyNil(r.Labels),
			Annotations: emptyNil(r.Annotations),
		}
		if r.For != "" {
			d := monitoringv1.Duration(r.For)
			rule.For = &d
		}
		if r.KeepFiringFor != "" {
			d := monitoringv1.NonEmptyDuration(r.KeepFiringFor)
			rule.KeepFiringFor = &d
		}
		g.Rules = append(g.Rules, rule)
		g.RuleSources = append(g.RuleSources, load.PathString("extraRules", eg.Name, "rules", fmt.Sprint(i)))
	}
	return g
}

func emptyNil(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
