package render

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// checkPrometheus: the Prometheus CR the chart renders reads the overlay's
// scrape Secret (with a job per workload), and its selectors pick every
// PrometheusRule of the overlay and of the chart and every ServiceMonitor
// any chart renders. Selector semantics are the operator's
// (prometheus-operator pkg/apis/monitoring/v1/prometheus_types.go:
// a null ruleSelector/serviceMonitorSelector selects nothing, an empty one
// everything; a null namespace selector means the Prometheus's namespace).
func checkPrometheus(t *testing.T, d *deployment) {
	kps := d.Release(t, "kube-prometheus-stack")
	prom, err := kps.Rendered.One("Prometheus")
	if err != nil {
		t.Fatal(err)
	}
	ns := prom.GetNamespace()

	// The scrape configs.
	name, key := str(prom.Object, "spec", "additionalScrapeConfigs", "name"), str(prom.Object, "spec", "additionalScrapeConfigs", "key")
	if name == "" {
		t.Errorf("%s reads no additionalScrapeConfigs: no workload is ever scraped", prom)
	} else if data, err := dataOf(d.Stack.Objects, "Secret", ns, name, key); err != nil {
		t.Errorf("%s reads additionalScrapeConfigs from Secret %s key %s, which the overlay does not make: %v", prom, name, key, err)
	} else {
		var jobs []struct {
			JobName string `json:"job_name"`
		}
		if err := yaml.Unmarshal([]byte(data), &jobs); err != nil {
			t.Errorf("Secret %s key %s: %v", name, key, err)
		}
		var names []string
		for _, j := range jobs {
			names = append(names, j.JobName)
		}
		for _, w := range d.Spec.Workloads {
			if want := stack.ScrapeJobName(w); !slices.Contains(names, want) {
				t.Errorf("Secret %s key %s has no scrape job %s for workload %s", name, key, want, w.Name)
			}
		}
	}

	// Rules: the overlay's and the chart's own (InfoInhibitor and Watchdog
	// among them, which the inhibit rules and routes expect).
	var rules []*harness.Object
	rules = append(rules, d.Config.OfKind("PrometheusRule")...)
	if len(rules) == 0 {
		t.Errorf("the overlay has no PrometheusRule")
	}
	rules = append(rules, kps.Rendered.OfKind("PrometheusRule")...)
	checkSelected(t, prom, "ruleSelector", "ruleNamespaceSelector", rules)

	// ServiceMonitors of every chart (dcgm-exporter's carries the release
	// label from our values).
	var monitors []*harness.Object
	for _, r := range d.Releases {
		monitors = append(monitors, r.Rendered.OfKind("ServiceMonitor")...)
	}
	checkSelected(t, prom, "serviceMonitorSelector", "serviceMonitorNamespaceSelector", monitors)
}

// checkSelected checks that the selector and namespace selector of the
// Prometheus CR pick every object of objs.
func checkSelected(t *testing.T, prom *harness.Object, selField, nsField string, objs []*harness.Object) {
	t.Helper()
	sel, err := selector(prom.Object, "spec", selField)
	if err != nil {
		t.Fatalf("%s spec.%s: %v", prom, selField, err)
	}
	nsSel, err := selector(prom.Object, "spec", nsField)
	if err != nil {
		t.Fatalf("%s spec.%s: %v", prom, nsField, err)
	}
	for _, o := range objs {
		if sel == nil {
			t.Errorf("%s has no spec.%s (null selects nothing): %s is never loaded", prom, selField, o)
			continue
		}
		if !sel.Matches(labels.Set(o.GetLabels())) {
			t.Errorf("%s spec.%s %s does not select %s, labelled %v: it is never loaded", prom, selField, sel, o, o.GetLabels())
		}
		switch {
		case nsSel == nil && o.GetNamespace() != prom.GetNamespace():
			t.Errorf("%s has no spec.%s (its own namespace %s only): %s in namespace %s is never loaded", prom, nsField, prom.GetNamespace(), o, o.GetNamespace())
		case nsSel != nil && !nsSel.Empty():
			t.Errorf("%s spec.%s %s selects namespaces by label: the test cannot tell whether it admits %s", prom, nsField, nsSel, o.GetNamespace())
		}
	}
}

// selector returns the label selector at path (nil when null).
func selector(o map[string]any, path ...string) (labels.Selector, error) {
	v := field(o, path...)
	if v == nil {
		return nil, nil
	}
	var ls metav1.LabelSelector
	if err := remarshal(v, &ls); err != nil {
		return nil, err
	}
	return metav1.LabelSelectorAsSelector(&ls)
}
