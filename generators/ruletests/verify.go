package ruletests

import (
	"slices"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/ruletest"
)

// Run runs the generated test files found among files (a whole generated
// overlay, in memory) with the in-process runner, exactly as
// `promtool test rules tests/*.test.yaml` would run them from disk. The
// failures come in file order.
func Run(files []artifact.File) []ruletest.Failure {
	fsys := fstest.MapFS{}
	var tests []string
	for _, f := range files {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data}
		if strings.HasPrefix(f.Path, Dir+"/") && strings.HasSuffix(f.Path, ".test.yaml") {
			tests = append(tests, f.Path)
		}
	}
	slices.Sort(tests)
	out := make([][]ruletest.Failure, len(tests))
	var wg sync.WaitGroup
	for i, t := range tests {
		wg.Go(func() { out[i] = ruletest.RunFS(fsys, t) })
	}
	wg.Wait()
	return slices.Concat(out...)
}
