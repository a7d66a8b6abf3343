package build

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestChecksIgnoreTests: the checks say the same of the overlay without
// its rule tests as of the whole of it (the tests with their bytes and
// typed values), on good specs and refused ones. compileSpec relies on it:
// it checks the overlay before it generates the tests.
func TestChecksIgnoreTests(t *testing.T) {
	runbook := []load.File{{Name: "spec.cue", Data: []byte(`apiVersion: "dataopsgen.dev/v1alpha1"
workloads: api: {
	kind:      "inference"
	namespace: "ml"
	inference: models: ["bert"]
	runbookURL: "https://runbooks.example.com/ml/{{ $labels.pod }}"
}
`)}}
	specs := modeltest.Examples(t)
	specs["synthetic"] = modeltest.Synthetic(t, 20)
	specs["refused"] = modeltest.Decode(t, runbook)
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			all, err := Generate(spec)
			if err != nil {
				t.Fatal(err)
			}
			var overlay []artifact.File
			tests := 0
			for _, f := range all {
				if strings.HasPrefix(f.Path, ruletests.Dir+"/") {
					tests++
					continue
				}
				overlay = append(overlay, f)
			}
			if tests == 0 {
				t.Fatal("no rule tests generated")
			}
			withTests := checks.Run(&checks.Input{Spec: spec, Files: all})
			without := checks.Run(&checks.Input{Spec: spec, Files: overlay})
			if !reflect.DeepEqual(withTests, without) {
				t.Fatalf("with the tests: %v\nwithout: %v", withTests, without)
			}
			if (name == "refused") != (without != nil) {
				t.Fatalf("diagnostics: %v", without)
			}
		})
	}
}
