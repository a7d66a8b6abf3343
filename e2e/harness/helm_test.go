package harness

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestLoadCharts(t *testing.T) {
	root := repoRoot(t)
	charts, err := LoadCharts(filepath.Join(root, ChartsDir))
	if err != nil {
		t.Fatal(err)
	}
	for name, version := range map[string]string{
		"kube-prometheus-stack": "88.5.3", "loki": "18.11.0", "alloy": "1.11.1",
		"promtail": "6.17.1", "dcgm-exporter": "4.6.0",
	} {
		if _, err := charts.Get(name, version); err != nil {
			t.Error(err)
		}
	}
	if _, err := charts.Get("loki", "18.10.0"); err == nil || !strings.Contains(err.Error(), "holds 18.11.0") {
		t.Errorf("a version mismatch: %v", err)
	}
	if _, err := charts.Get("tempo", "1.0.0"); err == nil {
		t.Error("an absent chart found")
	}
}

func TestLoadChartsChecksSums(t *testing.T) {
	src := filepath.Join(repoRoot(t), ChartsDir)
	tests := []struct {
		name  string
		apply func(dir string) error
		want  string
	}{
		{"altered archive", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "alloy-1.11.1.tgz"), []byte("not the chart"), 0o644)
		}, "alloy-1.11.1.tgz: sha256"},
		{"archive without sum", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "tempo-1.0.0.tgz"), nil, 0o644)
		}, "tempo-1.0.0.tgz is not in SHA256SUMS"},
		{"sum without archive", func(dir string) error {
			return os.Remove(filepath.Join(dir, "loki-18.11.0.tgz"))
		}, `missing archives ["loki-18.11.0.tgz"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			if err := tc.apply(dir); err != nil {
				t.Fatal(err)
			}
			_, err := LoadCharts(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseRendered(t *testing.T) {
	out := `---
# Source: c/templates/empty.yaml
---
# Source: c/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data: {k: v}
---
# Source: c/templates/svc.yaml
apiVersion: v1
kind: Service
metadata:
  name: b
`
	r, err := ParseRendered([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Objects) != 2 {
		t.Fatalf("%d objects, want 2", len(r.Objects))
	}
	cm, ok := r.Find("ConfigMap", "a")
	if !ok || cm.Source != "c/templates/cm.yaml" {
		t.Errorf("ConfigMap a: %v %v", cm, ok)
	}
	if _, err := r.One("Service"); err != nil {
		t.Error(err)
	}
	if _, err := r.One("Secret"); err == nil {
		t.Error("One found an absent kind")
	}
	if _, err := ParseRendered([]byte("# Source: c/x.yaml\nfoo: bar\n")); err == nil || !strings.Contains(err.Error(), "c/x.yaml") {
		t.Errorf("a document without kind: %v", err)
	}
}

// TestHelmRendersChart builds helm from tools/helm and renders a pinned
// chart with a values file.
func TestHelmRendersChart(t *testing.T) {
	root := repoRoot(t)
	bin, err := BinDir()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	h, err := BuildHelm(ctx, root, bin, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.Run(ctx, "version", "--template", "{{.Version}}")
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != h.Version || !strings.HasPrefix(h.Version, "v4.") {
		t.Errorf("helm version %q, tools/helm/go.mod requires %q", out, h.Version)
	}
	charts, err := LoadCharts(filepath.Join(root, ChartsDir))
	if err != nil {
		t.Fatal(err)
	}
	values := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(values, []byte("serviceMonitor:\n  additionalLabels: {release: prom}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := h.RenderChart(ctx, charts["dcgm-exporter"].Path, "gpu", "monitoring", values)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := r.One("DaemonSet")
	if err != nil {
		t.Fatal(err)
	}
	if ds.GetNamespace() != "monitoring" || !strings.HasPrefix(ds.Source, "dcgm-exporter/templates/") {
		t.Errorf("DaemonSet %s in %q", ds, ds.GetNamespace())
	}
	sm, err := r.One("ServiceMonitor")
	if err != nil {
		t.Fatal(err)
	}
	if got := sm.GetLabels()["release"]; got != "prom" {
		t.Errorf("ServiceMonitor label release=%q, want the values' prom", got)
	}
	vals, err := h.ShowValues(ctx, charts["dcgm-exporter"].Path)
	if err != nil || !strings.Contains(string(vals), "serviceMonitor:") {
		t.Errorf("show values: %v\n%.200s", err, vals)
	}
	if _, err := h.RenderChart(ctx, filepath.Join(t.TempDir(), "absent.tgz"), "x", "y"); err == nil {
		t.Error("an absent chart rendered")
	}
}
