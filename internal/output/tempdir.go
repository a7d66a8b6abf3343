package output

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// partialMarker is the first file of a temporary directory, removed once
// every file of the new tree is written: a leftover that holds it was
// being written by a build that died.
const partialMarker = ".dataopsgen-partial"

// tempPrefix is the name of the temporary directories of an output named
// base: ".<base>.new-" and os.MkdirTemp's random digits.
func tempPrefix(base string) string { return "." + base + ".new-" }

// tempDir is a temporary directory of a build in progress, locked (see
// lockDir) so that a concurrent build does not take it for a leftover.
type tempDir struct {
	path   string
	unlock func()
}

func newTempDir(parent, base string) (*tempDir, error) {
	path, err := os.MkdirTemp(parent, tempPrefix(base))
	if err != nil {
		return nil, err
	}
	unlock, err := lockDir(path)
	if err == nil {
		err = writeFile(filepath.Join(path, partialMarker), nil)
	}
	if err != nil {
		os.RemoveAll(path)
		if unlock != nil {
			unlock()
		}
		return nil, err
	}
	return &tempDir{path: path, unlock: unlock}, nil
}

// leftoverName matches what Write (and earlier versions, whose swap left
// ".<base>.new-N.old") names its temporary directories.
var leftoverName = regexp.MustCompile(`^\.new-[0-9]+(\.old)?$`)

// removeLeftovers removes what builds of the output named base that died
// left beside it: directories named as Write names them, not locked by a
// build in progress, and holding what only Write puts there — a partial
// tree (partialMarker), a whole output (our kustomization header), or
// nothing. Anything else of that name is left alone. Problems are ignored:
// a leftover that cannot be removed costs disk space, not correctness.
func removeLeftovers(parent, base string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), "."+base)
		if !ok || !e.IsDir() || !leftoverName.MatchString(rest) {
			continue
		}
		path := filepath.Join(parent, e.Name())
		unlock, err := tryLockDir(path)
		if err != nil {
			continue // a build in progress, or gone meanwhile
		}
		if ours(path) {
			os.RemoveAll(path)
		}
		unlock()
	}
}

// ours reports whether a leftover directory holds what Write left there.
func ours(dir string) bool {
	if _, err := os.Lstat(filepath.Join(dir, partialMarker)); err == nil {
		return true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	ok, err := isOutput(dir)
	return err == nil && ok
}
