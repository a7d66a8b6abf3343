package build

import (
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/load"
)

// TestEnvironmentOverlays: overlays that add and drop objects, change
// generated data and remove fields still render exactly the environment's
// own build (verifyOverlay, run by every build, compares them with krusty).
func TestEnvironmentOverlays(t *testing.T) {
	spec := `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: {
	a: {kind: "training", namespace: "ml", gpu: true, training: lossMetric: "loss", runbookURL: "https://runbooks/a"}
	b: {kind: "inference", namespace: "ml", inference: models: ["m"]}
}
extraRules: g: rules: [{alert: "X", expr: "up == 0", for: "5m", labels: severity: "info"}]
environments: {
	// drops the GPU (dcgm-exporter release and values go), adds a workload,
	// removes a rule's for and the runbook link.
	small: {
		workloads: a: {gpu: false, runbookURL: ""}
		workloads: c: {kind: "inference", namespace: "ml2", inference: models: ["n"]}
		extraRules: g: rules: [{alert: "X", expr: "up == 0", labels: severity: "info"}]
	}
	same: {}
}
`
	res, diags := Files([]load.File{{Name: "s.cue", Data: []byte(spec)}}, Options{})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	paths := map[string]string{}
	for _, f := range res.Files {
		paths[f.Path] = string(f.Data)
	}
	for _, want := range []string{
		"base/kustomization.yaml",
		"overlays/small/kustomization.yaml",
		"overlays/small/config/resources/prometheusrule-monitoring-dataops-workloads-ml2.yaml",
		"overlays/small/stack/patches/delete-helmrelease-monitoring-dcgm-exporter.yaml",
		"overlays/small/stack/patches/delete-configmap-values-dcgm-exporter.yaml",
		"overlays/same/kustomization.yaml",
	} {
		if _, ok := paths[want]; !ok {
			t.Errorf("missing %s", want)
		}
	}
	if k := paths["overlays/same/config/kustomization.yaml"] + paths["overlays/same/stack/kustomization.yaml"]; strings.Contains(k, "patches") || strings.Contains(k, "Generator") {
		t.Errorf("an environment without overrides needs no patch:\n%s", k)
	}
	if p := paths["overlays/small/config/patches/prometheusrule-monitoring-dataops-extra-g.yaml"]; p == "" {
		t.Error("no patch for the changed extra rule group")
	}
}

// TestEnvironmentErrors: a bad override is reported at the override, with
// the environment named.
func TestEnvironmentErrors(t *testing.T) {
	spec := `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "inference", namespace: "ml", inference: models: ["m"]}
environments: prod: {
	workloads: a: inference: latency: threshold: "fast"
	stack: prometheus: retension: "30d"
}
`
	_, diags := Files([]load.File{{Name: "s.cue", Data: []byte(spec)}}, Options{})
	got := diags.Err().Error()
	for _, want := range []string{
		`s.cue:4:36: cue: environment prod: workloads.a.inference.latency.threshold: invalid value "fast"`,
		`s.cue:5:21: cue: environment prod: stack.prometheus.retension: field not allowed`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}
