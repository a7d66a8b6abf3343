package testcache

// Running the rule tests of an overlay lives here, not in the generator
// that writes them (generators/ruletests, which stays pure: typed tests
// in, encoded files out): what to skip is this package's business, and
// build calls it once the overlay is generated and checked.

import (
	"crypto/sha256"
	"slices"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// Run runs the generated test files found among files (a whole generated
// overlay, in memory) under dir (generators/ruletests.Dir) with the
// in-process runner, exactly as `promtool test rules <dir>/*.test.yaml`
// would run them from disk. The failures come in file order.
//
// The files generators/ruletests generates carry the typed values their bytes were
// marshalled from (artifact.File.Value): the tests run on those rather than
// on a parse of the bytes, which gives the same values
// (TestValuesAreTheFiles). Files without one are read and parsed.
func Run(files []artifact.File, dir string) []promunit.Failure {
	fails, _ := RunCached(slices.Clone(files), dir, nil)
	return fails
}

// Stats says what RunCached did with the test files.
type Stats struct {
	Files  int // test files
	Cached int // of which passed before with the same inputs: not run
}

// RunCached is Run, except that a test file the cache has seen pass with the
// same inputs (Cache.TestFile: the binary, the file's bytes, the
// bytes of the rule files it matches) is not run again, and a file that
// passes is recorded. A failure is never recorded: it runs, and is
// reported, every time. A nil cache runs everything.
//
// A test file written ahead (artifact.File.Staged: the build wrote it to
// the output's stage and let go of its bytes) must come with its typed
// value, which is what runs; its key is made from Staged.Sum, the same key
// its bytes give.
//
// RunCached lets go of the typed value of each test file (files[i].Value)
// once the file is done with: at 5,000 workloads they weigh ~390 MB, which
// would otherwise stay until the last test ran. A caller that needs them
// again passes a copy of the slice (as Run does).
func RunCached(files []artifact.File, dir string, cache *Cache) ([]promunit.Failure, Stats) {
	fsys := fstest.MapFS{}
	parsed := map[string][]rulefmt.RuleGroup{}
	type testFile struct {
		path string
		tf   *promunit.TestFile // the typed value, nil to parse the bytes
		file int                // index in files
		// staged: the file's bytes were written ahead and are gone
		// (artifact.File.Staged); its key is made from their sum.
		staged *artifact.Staged
	}
	var tests []testFile
	for i, f := range files {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data}
		if v, ok := f.Value.([]rulefmt.RuleGroup); ok {
			parsed[f.Path] = v
		}
		if strings.HasPrefix(f.Path, dir+"/") && strings.HasSuffix(f.Path, ".test.yaml") {
			t := testFile{path: f.Path, file: i, staged: f.Staged}
			if v, ok := f.Value.(*promunit.TestFile); ok && v.Name == f.Path {
				t.tf = v
			}
			tests = append(tests, t)
		}
	}
	slices.SortFunc(tests, func(a, b testFile) int { return strings.Compare(a.path, b.path) })
	rulesOf := func(p string) ([]rulefmt.RuleGroup, bool) {
		g, ok := parsed[p]
		return g, ok
	}
	out := make([][]promunit.Failure, len(tests))
	cached := make([]bool, len(tests))
	var wg sync.WaitGroup
	for i := range tests {
		wg.Go(func() {
			// Each goroutine clears only its own file's references.
			t, tf := tests[i].path, tests[i].tf
			tests[i].tf = nil
			var missed []string // rule files whose key was looked up in vain
			if tf == nil && tests[i].staged != nil {
				out[i] = []promunit.Failure{{File: t, Message: "written ahead without its typed value: nothing left to run"}}
				return
			}
			if tf != nil {
				defer func() { files[tests[i].file].Value = nil }()
			} else {
				// A file without its typed value (a unit from the
				// cache) is looked up by the rule files its layout
				// names, before paying for a parse.
				if patterns, ok := ruleFilesHint(fsys[t].Data); ok {
					if key, keyed := cache.TestFile(fsys, t, fsys[t].Data, patterns); keyed && cache.Passed(key) {
						cached[i] = true
						return
					}
					missed = patterns
				}
				// Parsed once, for the cache key and the run; a file
				// that does not parse runs as read, to fail as such.
				var err error
				if tf, err = promunit.Parse(t, fsys[t].Data); err != nil {
					out[i] = promunit.RunFS(fsys, t)
					return
				}
			}
			var sum [sha256.Size]byte
			switch {
			case tests[i].staged != nil:
				sum = tests[i].staged.Sum
			case cache.On():
				sum = sha256.Sum256(fsys[t].Data)
			}
			key, keyed := cache.TestFileSum(fsys, t, sum, tf.RuleFiles)
			if keyed && !(missed != nil && slices.Equal(missed, tf.RuleFiles)) && cache.Passed(key) {
				cached[i] = true
				return
			}
			out[i] = promunit.RunParsed(fsys, tf, rulesOf)
			if keyed && len(out[i]) == 0 {
				cache.Put(key)
			}
		})
	}
	wg.Wait()
	st := Stats{Files: len(tests)}
	for _, c := range cached {
		if c {
			st.Cached++
		}
	}
	return slices.Concat(out...), st
}
