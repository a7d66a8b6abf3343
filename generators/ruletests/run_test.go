package ruletests

import (
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

// runTests runs the generated tests among files as a build does, without
// a cache: the generator only writes them (internal/testcache runs them).
func runTests(files []artifact.File) []promunit.Failure {
	return testcache.Run(files, Dir)
}
