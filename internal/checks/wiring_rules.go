package checks

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// atFiles is at with several generated files named in the detail line.
func atGenerated(in *Input, source, check string, files []string, format string, args ...any) diag.Diagnostic {
	return at(in, source, check, strings.Join(files, ", "), format, args...)
}

const releasePath = "stack.prometheus.release"

var wiringRuleSelector = Check{
	Name: "wiring/rule-selector",
	Doc: "Every generated PrometheusRule is listed in a kustomization, carries labels that the `ruleSelector` of the generated kube-prometheus-stack values " +
		"matches (with `ruleSelectorNilUsesHelmValues`: `release: <release>`), and sits in a namespace `ruleNamespaceSelector` admits: otherwise Prometheus never loads it.",
	Run: func(in *Input) (out diag.List) {
		const check = "wiring/rule-selector"
		var rules []fileObject
		for _, o := range in.objects() {
			if o.obj.Kind == "PrometheusRule" {
				rules = append(rules, o)
			}
		}
		if len(rules) == 0 {
			return nil
		}
		pv := in.values()
		switch {
		case pv.file == nil:
			return append(out, at(in, releasePath, check, rules[0].file.Path,
				"PrometheusRule objects are generated but no kube-prometheus-stack values select them"))
		case pv.err != nil:
			return nil // values/parse reports values without their typed value
		}
		sel, selText, err := ruleSelector(in, pv.v)
		if err != nil {
			return append(out, at(in, releasePath, check, pv.file.Path, "the ruleSelector of the values is invalid: %v", err))
		}
		nsSel := pv.v.Prometheus.PrometheusSpec.RuleNamespaceSelector
		for _, r := range rules {
			files := []string{r.file.Path, pv.file.Path}
			name := r.obj.Metadata.Name
			if !listedAsResource(in, r.file.Path) {
				out.Append(at(in, r.file.Source, check, r.file.Path,
					"PrometheusRule %s is in no kustomization's resources: it is never applied", name))
			}
			if !sel.Matches(labels.Set(r.obj.Metadata.Labels)) {
				out.Append(atGenerated(in, releasePath, check, files,
					"PrometheusRule %s has labels {%s}, which the generated ruleSelector %s does not match: Prometheus would never load its rules",
					name, labels.Set(r.obj.Metadata.Labels).String(), selText))
			}
			ns := effectiveNamespace(in, r.file.Path, r.obj.Metadata.Namespace)
			if ns == "" {
				ns = "default"
			}
			if nsSel == nil || (len(nsSel.MatchLabels) == 0 && len(nsSel.MatchExpressions) == 0) {
				continue // the chart renders {}: every namespace
			}
			s, err := metav1.LabelSelectorAsSelector(nsSel)
			if err != nil {
				out.Append(at(in, "stack.namespace", check, pv.file.Path, "the ruleNamespaceSelector of the values is invalid: %v", err))
				return out
			}
			if !s.Matches(labels.Set(namespaceLabels(in, ns))) {
				out.Append(atGenerated(in, "stack.namespace", check, files,
					"PrometheusRule %s is in namespace %s, which the generated ruleNamespaceSelector %s does not admit",
					name, ns, metav1.FormatLabelSelector(nsSel)))
			}
		}
		return out
	},
}

// ruleSelector is the selector the chart gives the Prometheus CR.
func ruleSelector(in *Input, v kpsValues) (labels.Selector, string, error) {
	ps := v.Prometheus.PrometheusSpec
	if rs := ps.RuleSelector; rs != nil && (len(rs.MatchLabels) > 0 || len(rs.MatchExpressions) > 0) {
		s, err := metav1.LabelSelectorAsSelector(rs)
		return s, metav1.FormatLabelSelector(rs), err
	}
	if ps.RuleSelectorNilUsesHelmValues == nil || *ps.RuleSelectorNilUsesHelmValues {
		rs := &metav1.LabelSelector{MatchLabels: map[string]string{"release": in.Spec.Stack.Prometheus.Release}}
		s, err := metav1.LabelSelectorAsSelector(rs)
		return s, metav1.FormatLabelSelector(rs) + " (the chart's default)", err
	}
	return labels.Everything(), "{}", nil
}

// namespaceLabels are the labels of namespace ns: the one Kubernetes sets on
// every namespace, and those of a generated Namespace object.
func namespaceLabels(in *Input, ns string) map[string]string {
	out := map[string]string{"kubernetes.io/metadata.name": ns}
	for k, v := range in.namespaceLabels()[ns] {
		out[k] = v
	}
	return out
}

// indexNamespaceLabels maps each generated Namespace object's name to its
// labels.
func indexNamespaceLabels(in *Input) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, o := range in.objects() {
		if o.obj.Kind != "Namespace" {
			continue
		}
		m := out[o.obj.Metadata.Name]
		if m == nil {
			m = map[string]string{}
			out[o.obj.Metadata.Name] = m
		}
		for k, v := range o.obj.Metadata.Labels {
			m[k] = v
		}
	}
	return out
}
