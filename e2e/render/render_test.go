package render

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
)

// TestRender renders the charts of every spec's every overlay and runs each
// cross-object check on it (a subtest per overlay and check).
func TestRender(t *testing.T) {
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	charts, err := harness.LoadCharts(filepath.Join(root, harness.ChartsDir))
	if err != nil {
		t.Fatal(err)
	}
	h := buildHelm(t)
	checks := []struct {
		name string
		run  func(t *testing.T, d *deployment)
	}{
		{"prometheus", checkPrometheus},
		{"alertmanager", checkAlertmanager},
		{"grafana", checkGrafana},
		{"loki", checkLokiClients},
		{"kube-state-metrics", checkKSMAllowlist},
		{"kube-state-metrics custom resources", checkKSMCustomResources},
		{"dcgm-exporter", checkDCGM},
		{"references", checkReferences},
	}
	edits := 0
	for _, dir := range specDirs(t, root) {
		deps, n := compile(t, h, charts, root, dir)
		edits += n
		for _, d := range deps {
			t.Run(d.Name, func(t *testing.T) {
				for _, c := range checks {
					t.Run(c.name, func(t *testing.T) { c.run(t, d) })
				}
			})
		}
	}
	if os.Getenv(EditEnv) != "" && edits == 0 {
		t.Errorf("%s=%q changed no file of any overlay", EditEnv, os.Getenv(EditEnv))
	}
}

// objectData returns the data of a ConfigMap (data and binaryData) or a
// Secret (data decoded, and stringData).
func objectData(o *harness.Object) (map[string]string, error) {
	out := map[string]string{}
	for _, field := range []string{"data", "binaryData", "stringData"} {
		m, _ := o.Object[field].(map[string]any)
		for k, v := range m {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("%s.%s is not a string", field, k)
			}
			if (o.GetKind() == "Secret" && field == "data") || field == "binaryData" {
				b, err := base64.StdEncoding.DecodeString(s)
				if err != nil {
					return nil, fmt.Errorf("%s.%s: %w", field, k, err)
				}
				s = string(b)
			}
			out[k] = s
		}
	}
	return out, nil
}

// dataOf returns key of the object kind/name in namespace among objs.
func dataOf(objs []*harness.Object, kind, namespace, name, key string) (string, error) {
	for _, o := range objs {
		if o.GetKind() != kind || o.GetName() != name || o.GetNamespace() != namespace {
			continue
		}
		data, err := objectData(o)
		if err != nil {
			return "", fmt.Errorf("%s: %w", o, err)
		}
		v, ok := data[key]
		if !ok {
			return "", fmt.Errorf("%s has no key %s", o, key)
		}
		return v, nil
	}
	return "", fmt.Errorf("no %s %s/%s", kind, namespace, name)
}

// field returns the value at path in o (nil when absent).
func field(o map[string]any, path ...string) any {
	var v any = o
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func str(o map[string]any, path ...string) string {
	s, _ := field(o, path...).(string)
	return s
}
