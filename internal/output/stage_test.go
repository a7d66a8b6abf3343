package output

import (
	"crypto/sha256"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// ahead marks the files of paths as written ahead: no bytes, their size
// and sum (what build.writeTestsAhead hands to Commit).
func ahead(files []artifact.File, paths ...string) []artifact.File {
	out := slices.Clone(files)
	for i, f := range out {
		if slices.Contains(paths, f.Path) {
			out[i].Staged = &artifact.Staged{Size: len(f.Data), Sum: sha256.Sum256(f.Data)}
			out[i].Data = nil
		}
	}
	return out
}

func stagedOverlay(content string) []artifact.File {
	return []artifact.File{
		{Path: kustomization.Path, Data: []byte(kustomization.Header + "resources: []\n")},
		{Path: "stack/a.yaml", Data: []byte(content)},
		{Path: "tests/a.test.yaml", Data: []byte("a " + content)},
		{Path: "tests/b.test.yaml", Data: []byte("b " + content)},
	}
}

// A tree written partly ahead is the tree Write writes: over an absent
// output, over a previous one (whose equal files are linked), with every
// file ahead or none.
func TestStageIsWrite(t *testing.T) {
	for _, aheadPaths := range [][]string{nil, {"tests/a.test.yaml"}, {"tests/a.test.yaml", "tests/b.test.yaml"}, {kustomization.Path, "stack/a.yaml", "tests/a.test.yaml", "tests/b.test.yaml"}} {
		t.Run(strings.Join(aheadPaths, ","), func(t *testing.T) {
			parent := t.TempDir()
			staged, written := filepath.Join(parent, "staged"), filepath.Join(parent, "written")
			for _, c := range []string{"one", "one", "two"} {
				files := stagedOverlay(c)
				if err := Write(written, files); err != nil {
					t.Fatal(err)
				}
				s, err := Begin(staged)
				if err != nil {
					t.Fatal(err)
				}
				var first []artifact.File
				for _, f := range files {
					if slices.Contains(aheadPaths, f.Path) {
						first = append(first, f)
					}
				}
				if err := s.WriteAhead(first); err != nil {
					t.Fatal(err)
				}
				if err := s.Commit(ahead(files, aheadPaths...)); err != nil {
					t.Fatal(err)
				}
				if got, want := tree(t, staged), tree(t, written); !maps.Equal(got, want) {
					t.Fatalf("%s: staged tree %v, Write's %v", c, got, want)
				}
				if got := names(t, parent); !slices.Equal(got, []string{"staged", "written"}) {
					t.Fatalf("beside the outputs: %v", got)
				}
			}
		})
	}
}

// A stage aborted (a refused spec) leaves the output as it was and
// nothing beside it; a commit that does not account for every file written
// ahead, or that is given bytes for one, fails and leaves the output too.
func TestStageAbortAndMismatch(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	if err := Write(out, stagedOverlay("old")); err != nil {
		t.Fatal(err)
	}
	before := tree(t, out)
	files := stagedOverlay("new")
	for name, commit := range map[string]func(s *Stage) error{
		"abort": func(s *Stage) error { s.Abort(); s.Abort(); return nil },
		"written ahead, missing from the tree": func(s *Stage) error {
			return s.Commit(ahead(files[:3], "tests/a.test.yaml"))
		},
		"written ahead, given again with its bytes": func(s *Stage) error {
			return s.Commit(ahead(files, "tests/b.test.yaml"))
		},
		"without bytes, not written ahead": func(s *Stage) error {
			return s.Commit(ahead(files, "tests/a.test.yaml", "tests/b.test.yaml", "stack/a.yaml"))
		},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := Begin(out)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.WriteAhead(files[2:4]); err != nil {
				t.Fatal(err)
			}
			err = commit(s)
			if (name == "abort") != (err == nil) {
				t.Fatalf("commit: %v", err)
			}
			if got := tree(t, out); !maps.Equal(got, before) {
				t.Fatalf("out changed: %v", got)
			}
			if got := names(t, parent); !slices.Equal(got, []string{"out"}) {
				t.Fatalf("beside out: %v", got)
			}
			if err := s.WriteAhead(files[:1]); err == nil {
				t.Fatal("a finished stage took more files")
			}
		})
	}
}

// Begin, called before the build knows whether the spec is refused,
// creates nothing when OUT's parent is missing (Write creates it), and
// refuses what Write refuses.
func TestBeginCreatesNoParent(t *testing.T) {
	parent := t.TempDir()
	if _, err := Begin(filepath.Join(parent, "no", "out")); err == nil {
		t.Fatal("Begin staged under a missing parent")
	}
	if got := names(t, parent); len(got) != 0 {
		t.Fatalf("Begin left %v", got)
	}
	theirs := filepath.Join(parent, "theirs")
	if err := os.MkdirAll(theirs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(theirs, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Begin(theirs); err == nil || !strings.Contains(err.Error(), "refusing to replace it") {
		t.Fatalf("Begin on a directory that is not ours: %v", err)
	}
}
