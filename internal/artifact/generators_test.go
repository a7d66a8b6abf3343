package artifact_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// compareAll makes every value artifact.YAML marshals while run runs be
// compared with sigs.k8s.io/yaml.Marshal's bytes; it returns how many.
func compareAll(t *testing.T, run func()) int {
	t.Helper()
	var mu sync.Mutex
	n, bad := 0, 0
	restore := artifact.ObserveYAML(func(v any, got []byte, gerr error) {
		want, werr := sigsyaml.Marshal(v)
		mu.Lock()
		defer mu.Unlock()
		n++
		if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
			if bad++; bad <= 5 {
				t.Errorf("%T:\nsigs.k8s.io/yaml (%v):\n%s\nartifact.YAML (%v):\n%s", v, werr, want, gerr, got)
			}
		}
	})
	defer restore()
	run()
	return n
}

// TestGeneratorsYAMLMatchSigsYAML: every value every generator (and check)
// marshals, for the example and for a synthetic spec, has the bytes of
// sigs.k8s.io/yaml.Marshal.
func TestGeneratorsYAMLMatchSigsYAML(t *testing.T) {
	t.Run("example", func(t *testing.T) {
		n := compareAll(t, func() {
			if _, diags := build.Dir(filepath.Join("..", "..", "examples", "dataops"), build.Options{}); diags != nil {
				t.Fatal(diags.Err())
			}
		})
		if n < 20 {
			t.Fatalf("only %d values marshalled", n)
		}
	})
	t.Run("synthetic", func(t *testing.T) {
		size := 200
		if testing.Short() {
			size = 20
		}
		spec := modeltest.Synthetic(t, size)
		n := compareAll(t, func() {
			if _, err := build.Generate(spec); err != nil {
				t.Fatal(err)
			}
		})
		if n < 2*size {
			t.Fatalf("only %d values marshalled", n)
		}
	})
}

// BenchmarkYAML marshals the biggest rule test file of a synthetic spec
// (rule tests are most of the YAML generated).
func BenchmarkYAML(b *testing.B) {
	s := modeltest.Synthetic(b, 20)
	var v any
	size := 0
	for _, w := range s.Workloads {
		tf, err := ruletests.Tests(s, w, rules.WorkloadGroup(s, w))
		if err != nil {
			b.Fatal(err)
		}
		if d, _ := sigsyaml.Marshal(tf); len(d) > size {
			v, size = tf, len(d)
		}
	}
	b.Logf("%d bytes of YAML", size)
	for _, m := range []struct {
		name string
		f    func(any) ([]byte, error)
	}{{"artifact", artifact.YAML}, {"sigs.k8s.io", sigsyaml.Marshal}} {
		b.Run(m.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := m.f(v); err != nil {
					b.Fatal(fmt.Sprint(err))
				}
			}
		})
	}
}
