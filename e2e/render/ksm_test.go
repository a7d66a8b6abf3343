package render

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"

	dmodel "github.com/dataopsgen/dataopsgen/internal/model"
)

// ksmLabelsMetric is a kube-state-metrics metric of a resource's labels
// (kube_pod_labels, kube_job_labels, ...): it carries label_<key> only for
// the keys --metric-labels-allowlist admits for the resource.
var ksmLabelsMetric = regexp.MustCompile(`^kube_([a-z]+)_labels$`)

// ksmResources maps the singular of a kube_<resource>_labels metric to the
// resource name the allowlist uses (kube-state-metrics docs, "metric-labels-allowlist":
// plural resource names, e.g. pods=[...]).
var ksmResources = map[string]string{
	"pod": "pods", "job": "jobs", "cronjob": "cronjobs", "deployment": "deployments", "statefulset": "statefulsets",
	"daemonset": "daemonsets", "replicaset": "replicasets", "namespace": "namespaces", "node": "nodes",
	"service": "services", "persistentvolumeclaim": "persistentvolumeclaims", "persistentvolume": "persistentvolumes",
	"ingress": "ingresses", "configmap": "configmaps", "secret": "secrets", "endpoint": "endpoints",
	"horizontalpodautoscaler": "horizontalpodautoscalers", "poddisruptionbudget": "poddisruptionbudgets",
	"storageclass": "storageclasses", "lease": "leases",
}

// ksmLabelName is how kube-state-metrics names a Kubernetes label key
// (sanitizeLabelName: every character outside [a-zA-Z0-9_] becomes _).
func ksmLabelName(key string) string {
	return "label_" + regexp.MustCompile(`[^a-zA-Z0-9_]`).ReplaceAllString(key, "_")
}

// parseAllowlist parses --metric-labels-allowlist:
// "pods=[a,b],jobs=[*]" → resource → keys.
func parseAllowlist(s string) (map[string][]string, bool) {
	out := map[string][]string{}
	for s != "" {
		res, rest, ok := strings.Cut(s, "=[")
		if !ok {
			return nil, false
		}
		keys, after, ok := strings.Cut(rest, "]")
		if !ok {
			return nil, false
		}
		if keys != "" {
			out[strings.TrimSpace(res)] = strings.Split(keys, ",")
		} else {
			out[strings.TrimSpace(res)] = nil
		}
		s = strings.TrimPrefix(after, ",")
	}
	return out, true
}

// checkKSMAllowlist: the kube-state-metrics Deployment the chart renders
// admits, for every kube_<resource>_labels metric a generated rule reads,
// every label_* name the rule reads (in a matcher, by/without, on/ignoring,
// group_left/right or a label function): otherwise the join matches
// nothing and the alert can never fire.
func checkKSMAllowlist(t *testing.T, d *deployment) {
	kps := d.Release(t, "kube-prometheus-stack")
	_, c := findContainer(t, kps.Rendered.Objects, "Deployment", "kube-state-metrics")
	var allow map[string][]string
	for _, a := range c.Args {
		if v, ok := strings.CutPrefix(a, "--metric-labels-allowlist="); ok {
			var parsed bool
			if allow, parsed = parseAllowlist(v); !parsed {
				t.Fatalf("kube-state-metrics --metric-labels-allowlist=%s does not parse", v)
			}
		}
	}
	joins := 0
	for _, o := range d.Config.OfKind("PrometheusRule") {
		var spec struct {
			Groups []struct {
				Rules []struct {
					Alert, Record, Expr string
				} `json:"rules"`
			} `json:"groups"`
		}
		if err := remarshal(o.Object["spec"], &spec); err != nil {
			t.Fatal(err)
		}
		for _, g := range spec.Groups {
			for _, r := range g.Rules {
				expr, err := parser.NewParser(parser.Options{}).ParseExpr(r.Expr)
				if err != nil {
					t.Errorf("%s %s%s: %v", o, r.Alert, r.Record, err)
					continue
				}
				metrics, names := ksmReads(expr)
				// A training controller's custom resource: its labels come
				// from the custom-resource-state config (training_test.go).
				if n := checkCustomResourceLabels(t, d, expr, names, fmt.Sprintf("%s %s%s", o, r.Alert, r.Record)); n > 0 {
					joins += n
					continue
				}
				if len(names) > 0 && len(metrics) == 0 {
					t.Errorf("%s %s%s reads %v but no kube_*_labels metric", o, r.Alert, r.Record, names)
				}
				for _, m := range metrics {
					res, ok := ksmResources[ksmLabelsMetric.FindStringSubmatch(m)[1]]
					if !ok {
						t.Errorf("%s %s%s reads %s, a resource the test does not know", o, r.Alert, r.Record, m)
						continue
					}
					for _, n := range names {
						joins++
						admitted := slices.Contains(allow[res], "*") || slices.ContainsFunc(allow[res], func(k string) bool { return ksmLabelName(k) == n })
						if !admitted {
							t.Errorf("%s %s%s reads %s of %s; kube-state-metrics admits %s=%q only: the rule matches nothing",
								o, r.Alert, r.Record, n, m, res, allow[res])
						}
					}
				}
			}
		}
	}
	if joins == 0 && len(d.Spec.Workloads) > 0 && slices.ContainsFunc(d.Spec.Workloads, func(w *dmodel.Workload) bool { return w.Training != nil }) {
		t.Error("no generated rule reads a label_* of kube-state-metrics: the training alerts should")
	}
}

// ksmReads returns the kube_*_labels metrics an expression selects and the
// label_* names it reads anywhere.
func ksmReads(expr parser.Expr) (metrics, names []string) {
	addName := func(n string) {
		if strings.HasPrefix(n, "label_") && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		switch n := node.(type) {
		case *parser.VectorSelector:
			if ksmLabelsMetric.MatchString(n.Name) && !slices.Contains(metrics, n.Name) {
				metrics = append(metrics, n.Name)
			}
			for _, m := range n.LabelMatchers {
				addName(m.Name)
			}
		case *parser.AggregateExpr:
			for _, g := range n.Grouping {
				addName(g)
			}
		case *parser.BinaryExpr:
			if vm := n.VectorMatching; vm != nil {
				for _, l := range append(slices.Clone(vm.MatchingLabels), vm.Include...) {
					addName(l)
				}
			}
		case *parser.StringLiteral:
			addName(n.Val)
		}
		return nil
	})
	slices.Sort(metrics)
	slices.Sort(names)
	return metrics, names
}
