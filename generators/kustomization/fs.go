package kustomization

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// isRuleTest reports whether f is one of the rule tests (or their rules'
// copy): shipped in the overlay for promtool, never read by kustomize.
func isRuleTest(f artifact.File) bool {
	return f.Role == artifact.Aside && strings.HasPrefix(f.Path, "tests/")
}

// isTopLevelDoc reports whether f is a document at the top of the overlay
// (SECRETS.md): not applied, and each environment has its own.
func isTopLevelDoc(f artifact.File) bool {
	return f.Role == artifact.Aside && !strings.Contains(f.Path, "/") && strings.HasSuffix(f.Path, ".md")
}

// FS is the file system kustomize builds an overlay from (krusty reads a
// file whole, through FileSystem.ReadFile: sigs.k8s.io/kustomize/api
// v0.21.2 internal/loader/fileloader.go, Load): kustomize's own in-memory file system for
// the directories and names, each file's bytes read from the overlay's
// own, not from a copy.
//
// Why: filesys.MakeFsInMemory keeps a copy of every file written to it for
// as long as the build runs, and the build is the peak of the checks'
// memory (45 MB of copies at 5,000 workloads). FS hands each file's bytes
// out once per read, copied then, so that kustomize owns what it reads, as
// with the in-memory file system. TestFSIsMakeFsInMemory compares the two
// builds.
type FS struct {
	filesys.FileSystem
	data map[string][]byte // by cleaned path
}

// NewFS returns an empty FS.
func NewFS() *FS {
	return &FS{FileSystem: filesys.MakeFsInMemory(), data: map[string][]byte{}}
}

// Add puts files under dir, without the rule tests (68 of 73 MB at 1,000
// workloads, which kustomize never reads; a kustomization listing one
// fails, as it should: a test file is not an object to apply).
func (fs *FS) Add(dir string, files []artifact.File) error {
	for _, f := range files {
		if isRuleTest(f) {
			continue
		}
		p := dir + f.Path
		if err := fs.FileSystem.WriteFile(p, nil); err != nil {
			return err
		}
		fs.data[path.Clean(p)] = f.Data
	}
	return nil
}

// ReadFile returns a copy of the bytes of the file at p.
func (fs *FS) ReadFile(p string) ([]byte, error) {
	if d, ok := fs.data[path.Clean(p)]; ok {
		return bytes.Clone(d), nil
	}
	return fs.FileSystem.ReadFile(p)
}

// Open refuses a file of the overlay: its bytes are not in the in-memory
// file system (kustomize v0.21 never opens one; should it start to, the
// build fails rather than read an empty file).
func (fs *FS) Open(p string) (filesys.File, error) {
	if _, ok := fs.data[path.Clean(p)]; ok {
		return nil, fmt.Errorf("kustomization.FS: %s can only be read whole (ReadFile)", p)
	}
	return fs.FileSystem.Open(p)
}

// WriteFile replaces the file at p, or adds it.
func (fs *FS) WriteFile(p string, data []byte) error {
	delete(fs.data, path.Clean(p))
	return fs.FileSystem.WriteFile(p, data)
}
