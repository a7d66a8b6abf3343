package load

import (
	"os"
	"testing"
)

// FuzzLoad: no input makes the loader panic, a rejected input always
// comes with at least one positioned diagnostic, and on an accepted input
// the exhaustive pass finds nothing CUE's one validation let through.
func FuzzLoad(f *testing.F) {
	if ex, err := os.ReadFile("../../examples/dataops/dataops.cue"); err == nil {
		f.Add(ex)
	}
	f.Add([]byte(`apiVersion: "dataopsgen.dev/v1alpha1"`))
	f.Add([]byte(`apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "training"}
stak: {}`))
	f.Add([]byte(`workloads: X: {kind: "inference", namespace: "ML", inference: models: []}`))
	f.Add([]byte(`alerting: receivers: r: webhook: url: "http://x"`))
	f.Add([]byte(`a: b: c: [1, 2, {d: "e"}] & [...]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, diags := Files([]File{{Name: "fuzz.cue", Data: data}})
		if res == nil && len(diags) == 0 {
			t.Fatal("rejected without a diagnostic")
		}
		for _, d := range diags {
			if !d.Pos.IsValid() {
				t.Fatalf("diagnostic without position: %v", d)
			}
		}
		if res != nil {
			if missed := missedByCUE(t, []File{{Name: "fuzz.cue", Data: data}}, res); missed != nil {
				t.Fatalf("accepted, but the exhaustive pass finds:\n%v", missed.Err())
			}
		}
	})
}
