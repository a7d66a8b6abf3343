// Command ksm-crs runs kube-state-metrics' own custom-resource-state code
// (k8s.io/kube-state-metrics/v2 pkg/customresourcestate, the version the
// stack's chart runs) on a config and on objects, and prints the series it
// exports, one JSON object a line: {"name", "labels", "value"}. The e2e
// suite feeds it the config dataopsgen generates for the training
// controllers and objects in their states, and runs the generated alerts on
// its output.
//
//	ksm-crs CONFIG.yaml OBJECTS.yaml
//
// CONFIG is the customResourceState config (kind CustomResourceStateMetrics),
// loaded as kube-state-metrics loads --custom-resource-state-config-file
// (pkg/app/server.go: a yaml.v3 decoder; pkg/customresourcestate/config.go
// FromConfig: metric types lower-cased, one factory per resource);
// OBJECTS holds YAML documents separated by "---" lines.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	yamlv3 "gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/kube-state-metrics/v2/pkg/customresourcestate"
	"k8s.io/kube-state-metrics/v2/pkg/metric"
	"sigs.k8s.io/yaml"
)

type series struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
	Value  float64           `json:"value"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: ksm-crs CONFIG.yaml OBJECTS.yaml")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "ksm-crs:", err)
		os.Exit(1)
	}
}

func run(configFile, objectsFile string) error {
	cb, err := os.ReadFile(configFile)
	if err != nil {
		return err
	}
	var cfg customresourcestate.Metrics
	if err := yamlv3.NewDecoder(bytes.NewReader(cb)).Decode(&cfg); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	for i := range cfg.Spec.Resources {
		for j := range cfg.Spec.Resources[i].Metrics {
			m := &cfg.Spec.Resources[i].Metrics[j]
			m.Each.Type = metric.Type(strings.ToLower(string(m.Each.Type)))
		}
	}
	ob, err := os.ReadFile(objectsFile)
	if err != nil {
		return err
	}
	var objects []*unstructured.Unstructured
	for _, doc := range strings.Split(string(ob), "\n---\n") {
		var o map[string]any
		if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
			return fmt.Errorf("objects: %w", err)
		}
		if o != nil {
			objects = append(objects, &unstructured.Unstructured{Object: o})
		}
	}
	enc := json.NewEncoder(os.Stdout)
	for _, r := range cfg.Spec.Resources {
		f, err := customresourcestate.NewCustomResourceMetrics(r)
		if err != nil {
			return fmt.Errorf("resource %s: %w", r.GroupVersionKind, err)
		}
		gvk := r.GroupVersionKind
		for _, o := range objects {
			if o.GetKind() != gvk.Kind || o.GetAPIVersion() != gvk.Group+"/"+gvk.Version {
				continue
			}
			for _, g := range f.MetricFamilyGenerators() {
				for _, m := range g.Generate(o).Metrics {
					s := series{Name: g.Name, Labels: map[string]string{}, Value: m.Value}
					for i, k := range m.LabelKeys {
						s.Labels[k] = m.LabelValues[i]
					}
					if err := enc.Encode(s); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}
