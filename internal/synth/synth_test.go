package synth_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/synth"
)

// TestVetAccepts: the generated specs pass everything `dataopsgen vet`
// runs (schema, spec checks, generation, every check on the output).
func TestVetAccepts(t *testing.T) {
	for _, n := range []int{1, 10, 200} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			if n > 10 && testing.Short() {
				t.Skip("-short")
			}
			res, diags := build.Files(modeltest.SynthFiles(n), build.Options{})
			if diags != nil {
				t.Fatalf("vet refuses the spec of %d workloads:\n%v", n, diags.Err())
			}
			if got := len(res.Spec.Workloads); got != n {
				t.Fatalf("%d workloads decoded, want %d", got, n)
			}
		})
	}
}

// TestDeterministic: the same N gives the same bytes, and a larger spec
// extends a smaller one workload by workload.
func TestDeterministic(t *testing.T) {
	a, b := synth.Generate(50), synth.Generate(50)
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("%s differs between two runs", a[i].Name)
		}
	}
	small, large := synth.Plan(20), synth.Plan(100)
	for i := range small {
		if fmt.Sprint(small[i]) != fmt.Sprint(large[i]) {
			t.Fatalf("workload %d differs between N=20 and N=100: %v vs %v", i, small[i], large[i])
		}
	}
	var ws []byte
	for _, f := range synth.Generate(20) {
		if f.Name == "workloads.cue" {
			ws = f.Data
		}
	}
	for _, w := range small {
		if !bytes.Contains(ws, []byte(`"`+w.Name+`": {`)) {
			t.Fatalf("workloads.cue of N=20 has no workload %s", w.Name)
		}
	}
}

// TestMix: the proportions the package promises, on a large N.
func TestMix(t *testing.T) {
	const n = 5000
	var inference, gpu, models int
	namespaces, teams := map[string]bool{}, map[string]bool{}
	names := map[string]bool{}
	for _, w := range synth.Plan(n) {
		if w.Kind == "inference" {
			inference++
			models += len(w.Models)
			if len(w.Models) < 1 || len(w.Models) > 3 {
				t.Fatalf("%s has %d models", w.Name, len(w.Models))
			}
		}
		if w.GPU {
			gpu++
		}
		namespaces[w.Namespace], teams[w.Team] = true, true
		if names[w.Name] || len(w.Name) > 63 || strings.ToLower(w.Name) != w.Name {
			t.Fatalf("bad or duplicate name %q", w.Name)
		}
		names[w.Name] = true
	}
	within := func(what string, got, lo, hi float64) {
		if got < lo || got > hi {
			t.Errorf("%s = %.2f, want within [%.2f, %.2f]", what, got, lo, hi)
		}
	}
	within("inference share", float64(inference)/n, 0.57, 0.63)
	within("GPU share", float64(gpu)/n, 0.27, 0.33)
	within("models per inference workload", float64(models)/float64(inference), 1.8, 2.2)
	if len(namespaces) < 5 || len(teams) < 5 {
		t.Errorf("%d namespaces and %d teams, want several of each", len(namespaces), len(teams))
	}
}

// The Sloth spec has one SLO per workload, is deterministic, and workload
// i's SLO is the same at every N (so Sloth's cost compares across sizes).
func TestSlothSpec(t *testing.T) {
	small, big := string(synth.Sloth(3)), string(synth.Sloth(5))
	if got := strings.Count(small, "\nslos:\n"); got != 3 {
		t.Fatalf("Sloth(3) has %d SLO documents, want 3", got)
	}
	if !strings.HasPrefix(big, small) {
		t.Errorf("Sloth(5) does not extend Sloth(3)")
	}
	if string(synth.Sloth(3)) != small {
		t.Errorf("Sloth(3) differs between runs")
	}
	for _, w := range synth.Plan(3) {
		if !strings.Contains(small, "service: \""+w.Name+"\"") {
			t.Errorf("no SLO for workload %s", w.Name)
		}
	}
}

// TestEditOneChangesOneWorkload: the edit make bench rebuilds changes one
// line (one workload's latency `for`), to a value Generate never writes.
func TestEditOneChangesOneWorkload(t *testing.T) {
	for _, n := range []int{1, 10, 1000} {
		files := synth.Generate(n)
		edited, err := synth.EditOne(files)
		if n == 1 && err != nil {
			continue // one workload may have no latency alert
		}
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		for i := range files {
			a, b := strings.Split(string(files[i].Data), "\n"), strings.Split(string(edited[i].Data), "\n")
			if len(a) != len(b) {
				t.Fatalf("n=%d %s: %d lines became %d", n, files[i].Name, len(a), len(b))
			}
			var changed []string
			for j := range a {
				if a[j] != b[j] {
					changed = append(changed, b[j])
				}
			}
			want := 0
			if files[i].Name == "workloads.cue" {
				want = 1
			}
			if len(changed) != want || (want == 1 && !strings.Contains(changed[0], `for: "17m"`)) {
				t.Errorf("n=%d %s: changed lines %q, want %d with for: \"17m\"", n, files[i].Name, changed, want)
			}
		}
	}
}
