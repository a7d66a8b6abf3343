package output

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func overlay(content string) []artifact.File {
	return []artifact.File{
		{Path: kustomization.Path, Data: []byte(kustomization.Header + "resources: []\n")},
		{Path: "stack/a.yaml", Data: []byte(content)},
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// Write replaces a previous output and leaves nothing beside it.
func TestWriteReplacesAndCleansUp(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	for _, c := range []string{"one", "two", "three"} {
		if err := Write(out, overlay(c)); err != nil {
			t.Fatal(err)
		}
		if got := tree(t, out)["stack/a.yaml"]; got != c {
			t.Fatalf("out holds %q, want %q", got, c)
		}
		if got := names(t, parent); !slices.Equal(got, []string{"out"}) {
			t.Fatalf("beside out: %v", got)
		}
	}
}

// What dead builds leave is removed; what is not ours, or belongs to a
// build in progress, stays.
func TestRemoveLeftovers(t *testing.T) {
	parent := t.TempDir()
	mk := func(name string, files map[string]string) string {
		dir := filepath.Join(parent, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for p, c := range files {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	header := kustomization.Header + "resources: []\n"
	mk(".out.new-1", map[string]string{partialMarker: "", "stack/a.yaml": "x"})   // killed while writing
	mk(".out.new-2", map[string]string{kustomization.Path: header})               // killed before removing the old tree
	mk(".out.new-3.old", map[string]string{"base/" + kustomization.Path: header}) // an earlier version's swap
	mk(".out.new-4", nil)                                                         // empty
	mk(".out.new-5", map[string]string{"notes.txt": "mine"})                      // not ours: stays
	mk(".out.new-x", map[string]string{partialMarker: ""})                        // not a name we make: stays
	mk(".other.new-6", map[string]string{partialMarker: ""})                      // another output's: stays
	busy := mk(".out.new-7", map[string]string{partialMarker: ""})                // a build in progress: stays
	unlock, err := lockDir(busy)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	removeLeftovers(parent, "out")
	want := []string{".other.new-6", ".out.new-5", ".out.new-7", ".out.new-x"}
	if got := names(t, parent); !slices.Equal(got, want) {
		t.Errorf("left: %v, want %v", got, want)
	}
}

// The renames fallback leaves dir new and tmp old, like the exchange.
func TestSwapByRenames(t *testing.T) {
	parent := t.TempDir()
	dir, tmp := filepath.Join(parent, "out"), filepath.Join(parent, ".out.new-1")
	for p, c := range map[string]string{dir: "old", tmp: "new"} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "f"), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []func(string, string) error{swap, swapByRenames} {
		if err := f(tmp, dir); err != nil {
			t.Fatal(err)
		}
		a, b := tree(t, dir)["f"], tree(t, tmp)["f"]
		// Each call exchanges them.
		if a == b || (a != "old" && a != "new") || (b != "old" && b != "new") {
			t.Fatalf("after swap: dir %q, tmp %q", a, b)
		}
	}
	if got := names(t, parent); !slices.Equal(got, []string{".out.new-1", "out"}) {
		t.Errorf("names: %v", got)
	}
}
