package build

import (
	"bytes"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

// TestRuleTestCache: a build with the cache writes the same bytes as one
// without, cold (every test runs) and warm (every test from the cache),
// with and without environments.
func TestRuleTestCache(t *testing.T) {
	synth := modeltest.SynthFiles(40)
	for name, compile := range map[string]func(Options) (*Result, error){
		"synthetic": func(o Options) (*Result, error) { r, d := Files(synth, o); return r, d.Err() },
		"environments": func(o Options) (*Result, error) {
			r, d := Dir("../../examples/environments", o)
			return r, d.Err()
		},
	} {
		t.Run(name, func(t *testing.T) {
			plain, err := compile(Options{RuleTests: true})
			if err != nil {
				t.Fatal(err)
			}
			tests := 0
			for _, f := range plain.Files {
				if strings.HasSuffix(f.Path, ".test.yaml") {
					tests++
				}
			}
			if plain.RuleTests != (testcache.Stats{Files: tests}) {
				t.Fatalf("without a cache: %+v, want %d files, none cached", plain.RuleTests, tests)
			}
			cache := testcache.New(filepath.Join(t.TempDir(), "cache"))
			for _, run := range []string{"cold", "warm"} {
				res, err := compile(Options{RuleTests: true, TestCache: cache})
				if err != nil {
					t.Fatal(err)
				}
				if res.RuleTests.Files != tests {
					t.Errorf("%s: %d test files, want %d", run, res.RuleTests.Files, tests)
				}
				// Cold, an environment's test identical to the base's
				// (same path and bytes) is already a pass.
				if run == "warm" && res.RuleTests.Cached != tests || run == "cold" && name == "synthetic" && res.RuleTests.Cached != 0 {
					t.Errorf("%s: %d from the cache of %d", run, res.RuleTests.Cached, tests)
				}
				if len(res.Files) != len(plain.Files) {
					t.Fatalf("%s: %d files, want %d", run, len(res.Files), len(plain.Files))
				}
				for i, f := range res.Files {
					if f.Path != plain.Files[i].Path || !bytes.Equal(f.Data, plain.Files[i].Data) {
						t.Errorf("%s: %s differs from the build without a cache", run, f.Path)
					}
				}
			}
			if err := cache.Err(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestRuleTestCacheFailures: with the cache, a broken rule file gives the
// failures it gives without one, on every run; only its own test file runs
// again, the others come from the cache.
func TestRuleTestCacheFailures(t *testing.T) {
	res, diags := load.Files(modeltest.SynthFiles(20))
	if diags != nil {
		t.Fatal(diags.Err())
	}
	spec, diags := model.Decode(res)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	files, err := Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	cache := testcache.New(filepath.Join(t.TempDir(), "cache"))
	if d, st := runRuleTests(spec, slices.Clone(files), cache); d != nil || st.Cached != 0 {
		t.Fatalf("cold: %v, %+v", d.Err(), st)
	}
	broken := -1
	for i, f := range files {
		if strings.HasPrefix(f.Path, ruletests.Dir+"/rules/") {
			broken = i
			break
		}
	}
	if broken < 0 {
		t.Fatal("no rule file among the tests")
	}
	// The runner takes a typed value over the bytes: break the bytes and
	// drop the value.
	f := &files[broken]
	f.Data = bytes.Replace(f.Data, []byte("- alert: "), []byte("- alert: Renamed"), 1)
	f.Value = nil
	want := RunRuleTests(spec, files)
	if want == nil {
		t.Fatal("the broken rule file fails no test")
	}
	for run := range 2 {
		got, st := runRuleTests(spec, slices.Clone(files), cache)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("run %d: with the cache\n%v\nwithout\n%v", run, got.Err(), want.Err())
		}
		if st.Cached != st.Files-1 {
			t.Errorf("run %d: %d of %d from the cache, want all but the broken one", run, st.Cached, st.Files)
		}
	}
}
