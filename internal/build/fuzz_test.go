package build

import (
	"os"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/load"
)

// FuzzBuild: whatever the spec, the whole pipeline (load, decode, generate,
// check) returns an overlay or positioned diagnostics, and never panics.
func FuzzBuild(f *testing.F) {
	if ex, err := os.ReadFile("../../examples/dataops/dataops.cue"); err == nil {
		f.Add(ex)
	}
	f.Add([]byte(`apiVersion: "dataopsgen.dev/v1alpha1"
workloads: "a-b": {kind: "inference", namespace: "n", inference: models: ["m.1", "m|2"], selector: {"x/y": ""}}
extraRules: g: rules: [{alert: "A", expr: "up == 0", annotations: summary: "{{ $labels.pod }}"}]
extraPanels: [{title: "t", expr: "up"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, diags := Files([]load.File{{Name: "fuzz.cue", Data: data}}, Options{})
		if res == nil && len(diags) == 0 {
			t.Fatal("rejected without a diagnostic")
		}
	})
}
