package ruletests

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/synth"
)

// TestWorkloadFilesAreAUnit: a workload's test and rule files depend on the
// workload and on the spec's settings, never on the other workloads, the
// SLOs or the extra rule groups — what lets a build take an unchanged
// workload's files from the unit cache. Each workload of varied specs is
// generated alone (a spec with only it) and must give the same bytes as in
// the whole spec.
func TestWorkloadFilesAreAUnit(t *testing.T) {
	specs := modeltest.Examples(t)
	specs["synthetic"] = modeltest.Synthetic(t, 150)
	for name, s := range specs {
		whole := map[string][]byte{}
		for _, f := range generateT(t, s) {
			whole[f.Path] = f.Data
		}
		for _, w := range s.Workloads {
			alone := *s
			alone.Workloads = []*model.Workload{w}
			alone.SLOs, alone.ExtraRules = nil, nil
			files := generateT(t, &alone)
			for _, f := range files {
				if !bytes.Equal(f.Data, whole[f.Path]) {
					t.Errorf("%s: %s generated alone differs from the whole spec's", name, f.Path)
				}
			}
			if len(files) > 0 && whole[TestPath(w)] == nil {
				t.Errorf("%s: %s is generated alone only", name, TestPath(w))
			}
		}
	}
}

// TestSLOFilesAreAUnit: an SLO's test and rule files depend on the SLO, the
// workload it names and the spec's settings, never on the other SLOs,
// workloads or extra rule groups. Each SLO of specs with SLOs is generated
// in a spec holding only it and its workload.
func TestSLOFilesAreAUnit(t *testing.T) {
	synthetic := modeltest.SynthFiles(60)
	synthetic = append(synthetic, load.File{Name: "slos.cue", Data: synth.SLOs(60)})
	specs := map[string]*model.Spec{
		"llm-serving": modeltest.Dir(t, filepath.Join("..", "..", "examples", "llm-serving")),
		"slos":        modeltest.Dir(t, filepath.Join("..", "..", "examples", "slos")),
		"synthetic":   modeltest.Decode(t, synthetic),
	}
	for name, s := range specs {
		if len(s.SLOs) == 0 {
			t.Fatalf("%s has no SLO", name)
		}
		whole := map[string][]byte{}
		for _, f := range generateT(t, s) {
			whole[f.Path] = f.Data
		}
		compared := 0
		for _, o := range s.SLOs {
			alone := *s
			alone.SLOs, alone.ExtraRules, alone.Workloads = []*model.SLO{o}, nil, nil
			for _, w := range s.Workloads {
				if w.Name == o.Workload {
					alone.Workloads = []*model.Workload{w}
				}
			}
			for _, f := range generateT(t, &alone) {
				if !strings.HasPrefix(f.Source, o.Path()) {
					continue // the workload's own files
				}
				compared++
				if !bytes.Equal(f.Data, whole[f.Path]) {
					t.Errorf("%s: %s generated alone differs from the whole spec's", name, f.Path)
				}
			}
		}
		if compared == 0 {
			t.Errorf("%s: no SLO file compared", name)
		}
	}
}
