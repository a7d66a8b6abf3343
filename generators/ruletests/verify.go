package ruletests

import (
	"slices"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/ruletest"
)

// Run runs the generated test files found among files (a whole generated
// overlay, in memory) with the in-process runner, exactly as
// `promtool test rules tests/*.test.yaml` would run them from disk. The
// failures come in file order.
//
// The files this package generated carry the typed values their bytes were
// marshalled from (artifact.File.Value): the tests run on those rather than
// on a parse of the bytes, which gives the same values
// (TestValuesAreTheFiles). Files without one are read and parsed.
func Run(files []artifact.File) []ruletest.Failure {
	fsys := fstest.MapFS{}
	parsed := map[string][]rulefmt.RuleGroup{}
	byPath := map[string]*ruletest.TestFile{}
	var tests []string
	for _, f := range files {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data}
		switch v := f.Value.(type) {
		case []rulefmt.RuleGroup:
			parsed[f.Path] = v
		case *ruletest.TestFile:
			if v.Name == f.Path {
				byPath[f.Path] = v
			}
		}
		if strings.HasPrefix(f.Path, Dir+"/") && strings.HasSuffix(f.Path, ".test.yaml") {
			tests = append(tests, f.Path)
		}
	}
	slices.Sort(tests)
	rulesOf := func(p string) ([]rulefmt.RuleGroup, bool) {
		g, ok := parsed[p]
		return g, ok
	}
	out := make([][]ruletest.Failure, len(tests))
	var wg sync.WaitGroup
	for i, t := range tests {
		if tf, ok := byPath[t]; ok {
			wg.Go(func() { out[i] = ruletest.RunParsed(fsys, tf, rulesOf) })
		} else {
			wg.Go(func() { out[i] = ruletest.RunFS(fsys, t) })
		}
	}
	wg.Wait()
	return slices.Concat(out...)
}
