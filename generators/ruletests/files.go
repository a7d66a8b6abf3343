package ruletests

import (
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// IsTestFile reports whether f is one of the rule tests (or their rules'
// copy): shipped in the overlay for promtool, never read by kustomize.
func IsTestFile(f artifact.File) bool {
	return f.Role == artifact.Aside && strings.HasPrefix(f.Path, Dir+"/")
}
