package build

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/output"
)

// goldenDir is the committed overlay of examples/dataops: the repository's
// top-level out/, as the README's first command writes it.
const (
	exampleDir = "../../examples/dataops"
	goldenDir  = "../../out"
)

// TestGoldenExamples fails when a committed output is stale: out/ for
// examples/dataops, examples/environments/out for the two-environment
// example, examples/slos/out for the SLO example, examples/llm-serving/out
// for the server presets' example. Rewrite them with DATAOPSGEN_UPDATE=1 go test ./internal/build/.
func TestGoldenExamples(t *testing.T) {
	for spec, golden := range map[string]string{
		exampleDir:                    goldenDir,
		"../../examples/environments": "../../examples/environments/out",
		"../../examples/slos":         "../../examples/slos/out",
		"../../examples/llm-serving":  "../../examples/llm-serving/out",
	} {
		res, diags := Dir(spec, Options{RuleTests: true})
		if diags != nil {
			t.Fatal(diags.Err())
		}
		if os.Getenv("DATAOPSGEN_UPDATE") == "1" {
			if err := output.Write(golden, res.Files); err != nil {
				t.Fatal(err)
			}
			continue
		}
		diff, err := output.Diff(golden, res.Files)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range diff {
			t.Errorf("%s/%s is stale (DATAOPSGEN_UPDATE=1 go test ./internal/build/ rewrites it)", golden, p)
		}
	}
}

// TestDeterministic: two builds are byte-identical, and the same spec
// written in another order (fields permuted, split across files, files
// named differently) gives the same bytes.
func TestDeterministic(t *testing.T) {
	a, diags := Dir(exampleDir, Options{RuleTests: true})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	for _, dir := range []string{exampleDir, "testdata/reordered"} {
		b, diags := Dir(dir, Options{})
		if diags != nil {
			t.Fatal(diags.Err())
		}
		if len(a.Files) != len(b.Files) {
			t.Fatalf("%s: %d files, want %d", dir, len(b.Files), len(a.Files))
		}
		for i := range a.Files {
			if a.Files[i].Path != b.Files[i].Path || !bytes.Equal(a.Files[i].Data, b.Files[i].Data) {
				t.Errorf("%s: %s differs", dir, filepath.ToSlash(b.Files[i].Path))
			}
		}
	}
}
