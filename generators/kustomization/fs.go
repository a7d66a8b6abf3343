package kustomization

import (
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

// WriteFS writes files under dir of fsys for kustomize to build, without
// the rule tests (68 of 73 MB at 1,000 workloads, which kustomize never
// reads; a kustomization listing one fails, as it should: a test file is
// not an object to apply).
func WriteFS(fsys filesys.FileSystem, dir string, files []artifact.File) error {
	for _, f := range files {
		if isRuleTest(f) {
			continue
		}
		if err := fsys.WriteFile(dir+f.Path, f.Data); err != nil {
			return err
		}
	}
	return nil
}
