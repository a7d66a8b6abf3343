// Package loadtest holds the spec inputs tests share that need only
// package load: the CLI's corpus of broken specs.
package loadtest

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dataopsgen/dataopsgen/internal/load"
)

// Corpus are the spec files of the CLI's corpus of broken specs
// (internal/cli/testdata/corpus: each made to fail a check), by the path
// of their txtar archive.
func Corpus(t testing.TB) map[string][]load.File {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	paths, err := filepath.Glob(filepath.Join(filepath.Dir(file), "..", "..", "cli", "testdata", "corpus", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	out := map[string][]load.File{}
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var files []load.File
		for _, f := range a.Files {
			if strings.HasPrefix(f.Name, "spec/") && strings.HasSuffix(f.Name, ".cue") {
				files = append(files, load.File{Name: f.Name, Data: f.Data})
			}
		}
		out[p] = files
	}
	return out
}
