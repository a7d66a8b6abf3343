package output

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// modes is tree with each file's permission bits.
func modes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for p, data := range tree(t, dir) {
		st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		out[p] = fmt.Sprintf("%v %s", st.Mode(), data)
	}
	return out
}

func inode(t *testing.T, p string) uint64 {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Sys().(*syscall.Stat_t).Ino
}

// TestReuseIsWriteCopies: Write (unchanged files linked to the old tree)
// and WriteCopies (every file written) leave the same trees, byte for byte
// and mode for mode, over rounds of random changes — including an old file
// edited in place, or chmod'ed, behind our back, which must be written
// anew — and Write does link what did not change.
func TestReuseIsWriteCopies(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 15))
	fast, plain := filepath.Join(t.TempDir(), "out"), filepath.Join(t.TempDir(), "out")
	content := map[string]string{}
	for i := range 30 {
		content[fmt.Sprintf("tests/w%02d.test.yaml", i)] = fmt.Sprintf("test %d\n", i)
	}
	linked := 0
	for round := range 12 {
		// Change a few files, drop one, add one. In path order, so that the
		// seed decides the rounds (map order would not).
		for _, p := range slices.Sorted(maps.Keys(content)) {
			switch r.IntN(10) {
			case 0:
				content[p] += "changed\n"
			case 1:
				delete(content, p)
			case 2:
				if c := content[p]; c != "" {
					content[p] = c[:len(c)-1] // same size minus one
				}
			}
		}
		content[fmt.Sprintf("tests/new%02d.yaml", round)] = "new\n"
		files := []artifact.File{{Path: kustomization.Path, Data: []byte(kustomization.Header + "resources: []\n")}}
		for p, c := range content {
			files = append(files, artifact.File{Path: p, Data: []byte(c)})
		}
		files, err := artifact.Sort(files)
		if err != nil {
			t.Fatal(err)
		}
		if round > 0 {
			// Behind our back: one old file edited in place (same size),
			// one chmod'ed; the new tree must not take either.
			for p := range content {
				old := filepath.Join(fast, filepath.FromSlash(p))
				if data, err := os.ReadFile(old); err == nil && len(data) > 1 {
					data[0] ^= 1
					if err := os.WriteFile(old, data, 0o644); err != nil {
						t.Fatal(err)
					}
					break
				}
			}
			for p := range content {
				if os.Chmod(filepath.Join(fast, filepath.FromSlash(p)), 0o600) == nil {
					break
				}
			}
		}
		before := map[string]uint64{}
		for _, f := range files {
			if _, err := os.Stat(filepath.Join(fast, f.Path)); err == nil {
				before[f.Path] = inode(t, filepath.Join(fast, f.Path))
			}
		}
		if err := Write(fast, files); err != nil {
			t.Fatal(err)
		}
		if err := WriteCopies(plain, files); err != nil {
			t.Fatal(err)
		}
		got, want := modes(t, fast), modes(t, plain)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("round %d: Write left\n%v\nWriteCopies\n%v", round, got, want)
		}
		for p, ino := range before {
			if inode(t, filepath.Join(fast, p)) == ino {
				linked++
			}
		}
		if n := len(names(t, filepath.Dir(fast))); n != 1 {
			t.Fatalf("round %d: %d entries beside the output", round, n)
		}
	}
	if runtime.GOOS == "linux" && linked == 0 {
		t.Error("no unchanged file was linked to the old tree")
	}
	t.Logf("%d unchanged files linked over 12 rounds", linked)
}
