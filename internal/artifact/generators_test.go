package artifact_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	yamlv2 "go.yaml.in/yaml/v2"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// sameAsSigsYAML fails t unless every YAML file of files is what
// sigs.k8s.io/yaml writes; it returns how many values it compared with
// sigs.k8s.io/yaml.Marshal itself.
//
// The generators are not instrumented (no hook sees the values they
// marshal), so the files are checked as written:
//   - a file carrying the typed value it was marshalled from (rule tests
//     and PrometheusRules: most of the bytes) must be its header comment
//     and sigs.k8s.io/yaml.Marshal(value);
//   - every document of every YAML file must be yaml.v2's own rendering
//     of what yaml.v2 reads from it: a quoting, folding, indentation or
//     key order yaml.v2 would not write changes on that round trip.
func sameAsSigsYAML(t *testing.T, files []artifact.File) (typed int) {
	t.Helper()
	bad := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if bad++; bad <= 5 {
			t.Errorf(format, args...)
		}
	}
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".yaml") {
			continue
		}
		body := withoutHeader(f.Data)
		switch v := f.Value.(type) {
		case *promunit.TestFile, *monitoringv1.PrometheusRule:
			want, err := sigsyaml.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if typed++; !bytes.Equal(body, want) {
				fail("%s: not sigs.k8s.io/yaml.Marshal of its value:\n--- sigs.k8s.io/yaml\n%s\n--- written\n%s", f.Path, want, body)
			}
		}
		docs := bytes.Split(body, []byte("\n---\n"))
		for i, doc := range docs {
			if i < len(docs)-1 {
				// The split took its newline (clipped: the
				// append must not write over f.Data).
				doc = append(doc[:len(doc):len(doc)], '\n')
			}
			var tree any
			if err := yamlv2.Unmarshal(doc, &tree); err != nil {
				fail("%s: document %d: %v", f.Path, i, err)
				continue
			}
			again, err := yamlv2.Marshal(tree)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, doc) {
				fail("%s: document %d is not yaml.v2's rendering:\n--- yaml.v2\n%s\n--- written\n%s", f.Path, i, again, doc)
			}
		}
	}
	return typed
}

// withoutHeader is data after its leading comment lines.
func withoutHeader(data []byte) []byte {
	for bytes.HasPrefix(data, []byte("#")) {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return nil
		}
		data = data[i+1:]
	}
	return data
}

// TestGeneratorsYAMLMatchSigsYAML: the YAML every generator writes, for
// the example and for a synthetic spec, is sigs.k8s.io/yaml's.
func TestGeneratorsYAMLMatchSigsYAML(t *testing.T) {
	t.Run("example", func(t *testing.T) {
		// Generate, not build.Dir: the build drops the typed values
		// once the checks no longer need them.
		files, err := build.Generate(modeltest.Example(t))
		if err != nil {
			t.Fatal(err)
		}
		if n := sameAsSigsYAML(t, files); n == 0 {
			t.Fatal("no typed value compared")
		}
	})
	t.Run("synthetic", func(t *testing.T) {
		size := 200
		if testing.Short() {
			size = 20
		}
		files, err := build.Generate(modeltest.Synthetic(t, size))
		if err != nil {
			t.Fatal(err)
		}
		if n := sameAsSigsYAML(t, files); n < size {
			t.Fatalf("only %d typed values compared", n)
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
