package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func loadFixture(t *testing.T) *Overlay {
	t.Helper()
	o, err := LoadOverlay(filepath.Join("testdata", "overlay"))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestLoadOverlay(t *testing.T) {
	o := loadFixture(t)
	var names, alerts []string
	for _, r := range o.Rules {
		names = append(names, r.File+":"+r.Metadata.Name)
		alerts = append(alerts, r.Alerts()...)
	}
	// Walk order, nested directories included; empty documents ignored.
	want := []string{"prometheus-rules/unselected.yaml:dataops-unselected", "prometheus-rules/workloads/web.yaml:dataops-workload-web"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"InferenceServiceDown"}, alerts); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
}

func TestLoadOverlayErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOverlay(dir); err == nil {
		t.Error("empty dir accepted")
	}
	if err := os.MkdirAll(filepath.Join(dir, "prometheus-rules"), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := "apiVersion: monitoring.coreos.com/v1alpha1\nkind: PrometheusRule\n"
	if err := os.WriteFile(filepath.Join(dir, "prometheus-rules", "x.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOverlay(dir); err == nil || !strings.Contains(err.Error(), "want monitoring.coreos.com/v1 PrometheusRule") {
		t.Errorf("wrong apiVersion: %v", err)
	}
}

// The Flux layout (config/ and stack/ kustomizations) is found as well; a
// second values file is ambiguous.
func TestLoadOverlayNestedLayout(t *testing.T) {
	dir := t.TempDir()
	copyFile := func(from, to string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("testdata", "overlay", from))
		if err != nil {
			t.Fatal(err)
		}
		to = filepath.Join(dir, to)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("prometheus-rules/workloads/web.yaml", "config/prometheus-rules/workloads/web.yaml")
	copyFile("scrape/additional-scrape-configs.yaml", "stack/scrape/additional-scrape-configs.yaml")
	copyFile("values/kube-prometheus-stack.yaml", "stack/values/kube-prometheus-stack.yaml")
	if err := os.WriteFile(filepath.Join(dir, "stack", "kustomization.yaml"), []byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := LoadOverlay(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Rules) != 1 || o.ScrapeFile != "stack/scrape/additional-scrape-configs.yaml" || o.ValuesFile != "stack/values/kube-prometheus-stack.yaml" {
		t.Errorf("found %d rules, %s, %s", len(o.Rules), o.ScrapeFile, o.ValuesFile)
	}
	copyFile("values/kube-prometheus-stack.yaml", "staging/values/kube-prometheus-stack.yaml")
	if _, err := LoadOverlay(dir); err == nil || !strings.Contains(err.Error(), "2 files named kube-prometheus-stack.yaml") {
		t.Errorf("two values files: %v", err)
	}
}
