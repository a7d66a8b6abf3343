// Package modeltest loads specs for tests: the bundled example, a spec
// directory, inline CUE (the apiVersion line is added), or the benchmarks'
// synthetic spec of n workloads.
package modeltest

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/synth"
)

// Dir loads and decodes a spec directory, failing the test on any problem.
func Dir(t testing.TB, dir string) *model.Spec {
	t.Helper()
	res, diags := load.Dir(dir)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	return decode(t, res)
}

// Example is the bundled examples/dataops spec.
func Example(t testing.TB) *model.Spec {
	t.Helper()
	return Dir(t, filepath.Join(examplesDir(), "dataops"))
}

// Examples are the bundled example specs (the base spec of one with
// environments), by directory name: dataops, environments, llm-serving,
// slos.
func Examples(t testing.TB) map[string]*model.Spec {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(examplesDir(), "*", "*.cue"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	out := map[string]*model.Spec{}
	for _, f := range files {
		dir := filepath.Dir(f)
		if _, ok := out[filepath.Base(dir)]; !ok {
			out[filepath.Base(dir)] = Dir(t, dir)
		}
	}
	return out
}

// examplesDir is the repository's examples directory.
func examplesDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "examples")
}

// Inline loads CUE source; the apiVersion line is added when it lacks one.
func Inline(t testing.TB, src string) *model.Spec {
	t.Helper()
	if !strings.Contains(src, "apiVersion:") {
		src = "apiVersion: \"dataopsgen.dev/v1alpha1\"\n" + src
	}
	res, diags := load.Files([]load.File{{Name: "spec.cue", Data: []byte(src)}})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	return decode(t, res)
}

// SynthFiles are the files of the synthetic spec of n workloads (package
// synth), ready for load.Files or build.Files.
func SynthFiles(n int) []load.File {
	var files []load.File
	for _, f := range synth.Generate(n) {
		files = append(files, load.File{Name: f.Name, Data: f.Data})
	}
	return files
}

// Synthetic loads and decodes the synthetic spec of n workloads.
func Synthetic(t testing.TB, n int) *model.Spec {
	t.Helper()
	res, diags := load.Files(SynthFiles(n))
	if diags != nil {
		t.Fatal(diags.Err())
	}
	return decode(t, res)
}

func decode(t testing.TB, res *load.Result) *model.Spec {
	t.Helper()
	s, diags := model.Decode(res)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	return s
}

// Decode loads and decodes spec files (a fresh model each call: tests that
// edit the model start from the same spec every time).
func Decode(t testing.TB, files []load.File) *model.Spec {
	t.Helper()
	res, diags := load.Files(files)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	return decode(t, res)
}
