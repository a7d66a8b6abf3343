package build

import (
	"crypto/sha256"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/output"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

// TestStageIsWrite: a build that writes its rule tests ahead
// (Options.Stage) writes the tree of one that keeps every byte until
// output.Write, cold and from units of the cache; the files it wrote
// ahead have left memory; and the test cache keys a file written ahead as
// it keys its bytes (a pass recorded one way is found the other way).
func TestStageIsWrite(t *testing.T) {
	synth := modeltest.SynthFiles(30)
	for name, compile := range map[string]func(Options) (*Result, error){
		"synthetic": func(o Options) (*Result, error) { r, d := Files(synth, o); return r, d.Err() },
		"example": func(o Options) (*Result, error) {
			r, d := Dir("../../examples/dataops", o)
			return r, d.Err()
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			plainCache := testcache.New(filepath.Join(dir, "plain-cache"))
			stagedCache := testcache.New(filepath.Join(dir, "staged-cache"))
			for _, run := range []string{"cold", "warm"} {
				plain, err := compile(Options{RuleTests: true, TestCache: plainCache})
				if err != nil {
					t.Fatal(err)
				}
				if err := output.Write(filepath.Join(dir, "plain"), plain.Files); err != nil {
					t.Fatal(err)
				}
				stage, err := output.Begin(filepath.Join(dir, "staged"))
				if err != nil {
					t.Fatal(err)
				}
				staged, err := compile(Options{RuleTests: true, TestCache: stagedCache, Stage: stage})
				if err != nil {
					stage.Abort()
					t.Fatal(err)
				}
				ahead, tests := 0, 0
				for _, f := range staged.Files {
					if strings.HasSuffix(f.Path, ".test.yaml") {
						tests++
					}
					if f.Staged == nil {
						continue
					}
					ahead++
					if f.Data != nil || !strings.HasSuffix(f.Path, ".test.yaml") {
						t.Errorf("%s: %s written ahead, %d bytes kept", run, f.Path, len(f.Data))
					}
				}
				// Cold, every test file goes ahead; warm, those of the
				// units taken from the cache (bytes only) stay.
				if run == "cold" && (ahead != tests || tests == 0) {
					t.Errorf("cold: %d of %d test files written ahead", ahead, tests)
				}
				if err := stage.Commit(staged.Files); err != nil {
					t.Fatal(err)
				}
				diff, err := output.Diff(filepath.Join(dir, "staged"), plain.Files)
				if err != nil || len(diff) > 0 {
					t.Fatalf("%s: the staged tree differs from Write's at %v (%v)", run, diff, err)
				}
				bytesOf := map[string][]byte{}
				for _, f := range plain.Files {
					bytesOf[f.Path] = f.Data
				}
				for _, f := range staged.Files {
					if f.Staged != nil && (f.Staged.Sum != sha256.Sum256(bytesOf[f.Path]) || f.Staged.Size != len(bytesOf[f.Path])) {
						t.Errorf("%s: %s: Staged is not the size and sum of its bytes", run, f.Path)
					}
				}
				if staged.RuleTests != plain.RuleTests {
					t.Errorf("%s: staged %+v, plain %+v", run, staged.RuleTests, plain.RuleTests)
				}
			}
			// Each cache answers the other way of building: same keys.
			for _, c := range []struct {
				cache *testcache.Cache
				stage bool
			}{{plainCache, true}, {stagedCache, false}} {
				o := Options{RuleTests: true, TestCache: c.cache}
				var stage *output.Stage
				if c.stage {
					s, err := output.Begin(filepath.Join(dir, "cross"))
					if err != nil {
						t.Fatal(err)
					}
					stage = s
					o.Stage = s
				}
				res, err := compile(o)
				if stage != nil {
					stage.Abort()
				}
				if err != nil {
					t.Fatal(err)
				}
				if res.RuleTests.Cached != res.RuleTests.Files {
					t.Errorf("staged %v: %d of %d test files from the other way's cache", c.stage, res.RuleTests.Cached, res.RuleTests.Files)
				}
			}
		})
	}
}
