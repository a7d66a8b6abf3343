// Package output is the only code that writes the overlay to disk. It writes
// into a temporary directory beside the target and swaps it in, so that the
// target is replaced as a whole or left untouched, even when the process is
// killed at any point (see swap_linux.go).
package output

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// Write replaces dir with exactly files. dir must not exist, be empty, or
// hold a previous dataopsgen output (its kustomization.yaml starts with our
// header): we never delete a directory we did not write.
//
// The new tree is written to a temporary directory beside dir
// (".<dir>.new-N"), then exchanged with dir in one atomic rename (swap):
// dir is the old tree or the new one, whole, whenever the process dies.
// What a build killed before the swap or before removing the old tree
// leaves (a ".<dir>.new-N" directory) is removed by the next Write.
//
// A file whose bytes equal those of the same path in the tree being replaced
// is a hard link to that file rather than a new copy (reuse_unix.go): a
// rebuild after a small change writes only what changed (at 1,000 workloads
// the overlay is ~100 MB, and writing then deleting it was a large part of a
// rebuild's system time). WriteCopies is the plain reference.
func Write(dir string, files []artifact.File) error { return write(dir, files, true) }

// WriteCopies is Write with every file written anew, none linked to the
// tree it replaces (TestReuseIsWriteCopies compares the two).
func WriteCopies(dir string, files []artifact.File) error { return write(dir, files, false) }

func write(dir string, files []artifact.File, reuse bool) error {
	s, err := begin(dir, reuse, true)
	if err != nil {
		return err
	}
	return s.Commit(files)
}

// Stage is a new tree being written beside its target, to be swapped in
// whole: Begin makes it, WriteAhead writes some files early, Commit writes
// the rest and swaps the tree in, Abort (or a failed Commit) removes it.
// Write is Begin then Commit.
//
// Writing ahead is for files that are large, many, and done with long
// before the build is (the rule tests): the build hands them over as soon
// as they are generated and keeps only their size and sum, instead of
// holding their bytes until the end. The target is untouched until Commit,
// whatever the build then finds: a refused spec aborts the stage, and a
// build killed meanwhile leaves a partial stage that the next Write
// removes, as ever. A stage is not safe for concurrent use.
type Stage struct {
	tmp *tempDir
	// dir is the target; old the tree being replaced that files are
	// linked from when their bytes are the same ("": write copies).
	dir, old string
	ahead    map[string]bool // paths written by WriteAhead
	done     bool
}

// Begin starts replacing dir (as Write does; the same conditions on dir).
// Unlike Write it does not create dir's parent directory: it is called
// before the build knows whether the spec is refused, and a refused spec
// leaves no trace (the caller then builds in memory and Writes).
func Begin(dir string) (*Stage, error) { return begin(dir, true, false) }

func begin(dir string, reuse, mkParent bool) (*Stage, error) {
	if err := replaceable(dir); err != nil {
		return nil, err
	}
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if mkParent {
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return nil, err
		}
	} else if st, err := os.Stat(parent); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", parent)
	}
	removeLeftovers(parent, filepath.Base(dir))
	tmp, err := newTempDir(parent, filepath.Base(dir))
	if err != nil {
		return nil, err
	}
	s := &Stage{tmp: tmp, dir: dir, ahead: map[string]bool{}}
	if reuse {
		s.old = dir // replaceable: absent, empty, or our output
	}
	return s, nil
}

// WriteAhead writes files into the stage now. Commit must then be given
// each of them again, without its bytes (artifact.File.Staged set), and
// none twice.
func (s *Stage) WriteAhead(files []artifact.File) error {
	if s.done {
		return errors.New("output: write ahead to a finished stage")
	}
	for _, f := range files {
		if s.ahead[f.Path] || f.Staged != nil {
			return fmt.Errorf("output: %s written ahead twice", f.Path)
		}
	}
	if err := writeFiles(s.tmp.path, files, s.old); err != nil {
		return err
	}
	for _, f := range files {
		s.ahead[f.Path] = true
	}
	return nil
}

// Commit completes the tree with files — those written ahead are in it as
// artifact.File.Staged, the others are written now — and swaps it in: dir
// is then exactly files. The stage is finished whatever the outcome.
func (s *Stage) Commit(files []artifact.File) error {
	defer s.Abort() // after the swap the temporary directory holds the old tree
	if s.done {
		return errors.New("output: commit of a finished stage")
	}
	var rest []artifact.File
	staged := 0
	for _, f := range files {
		switch {
		case f.Staged != nil && !s.ahead[f.Path]:
			return fmt.Errorf("output: %s comes without its bytes but was not written ahead", f.Path)
		case f.Staged == nil && s.ahead[f.Path]:
			// Writing it again could write through a link into
			// the tree being replaced.
			return fmt.Errorf("output: %s was written ahead and comes again", f.Path)
		case f.Staged != nil:
			staged++
		default:
			rest = append(rest, f)
		}
	}
	if staged != len(s.ahead) {
		return fmt.Errorf("output: %d files written ahead are not in the tree", len(s.ahead)-staged)
	}
	if err := writeFiles(s.tmp.path, rest, s.old); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(s.tmp.path, partialMarker)); err != nil {
		return err
	}
	if err := os.Chmod(s.tmp.path, 0o755); err != nil {
		return err
	}
	return swap(s.tmp.path, s.dir)
}

// Abort removes the stage (after Commit: the tree it replaced). It may be
// called any number of times.
func (s *Stage) Abort() {
	if s.done {
		return
	}
	s.done = true
	os.RemoveAll(s.tmp.path)
	s.tmp.unlock()
}

// writeFiles writes files under dir: each directory is created once, and
// the files are written by a few workers (a large overlay has thousands).
// When old is not "", a file the same as old's at its path is linked to it
// instead (reuser). The error reported is that of the first file, in order,
// that failed.
func writeFiles(dir string, files []artifact.File, old string) error {
	made := map[string]bool{}
	for _, f := range files {
		d := filepath.Dir(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if made[d] {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		made[d] = true
	}
	errs := make([]error, len(files))
	workers := min(len(files), max(2, runtime.GOMAXPROCS(0)))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var r reuser // this worker's read buffer
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				rel := filepath.FromSlash(files[i].Path)
				if old != "" && r.link(filepath.Join(old, rel), filepath.Join(dir, rel), files[i].Data) {
					continue
				}
				errs[i] = writeFile(filepath.Join(dir, rel), files[i].Data)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func replaceable(dir string) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", dir)
	}
	ours, err := isOutput(dir)
	if err != nil {
		return err
	}
	if !ours {
		return fmt.Errorf("%s is not empty and does not hold a dataopsgen output (no generated %s): refusing to replace it", dir, kustomization.Path)
	}
	return nil
}

// isOutput reports whether dir is empty or holds a dataopsgen output: its
// kustomization.yaml (or base/kustomization.yaml, with environments) starts
// with our header.
func isOutput(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	if len(entries) == 0 {
		return true, nil
	}
	for _, marker := range []string{kustomization.Path, kustomization.BaseDir + "/" + kustomization.Path} {
		k, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(marker)))
		if err == nil && bytes.HasPrefix(k, []byte(kustomization.Header)) {
			return true, nil
		}
	}
	return false, nil
}

// Diff compares files with what dir holds and returns the paths that differ:
// changed, missing from dir, or present in dir but not generated.
func Diff(dir string, files []artifact.File) ([]string, error) {
	var diff []string
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil || !bytes.Equal(got, f.Data) {
			diff = append(diff, f.Path)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !want[rel] && !strings.HasPrefix(filepath.Base(rel), ".") {
			diff = append(diff, rel)
		}
		return nil
	})
	slices.Sort(diff)
	return slices.Compact(diff), err
}
