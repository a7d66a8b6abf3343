package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"dataopsgen": func() { os.Exit(Main()) },
	})
}

// TestScripts runs the txtar scripts in testdata/script: the CLI end to end,
// as a user runs it.
func TestScripts(t *testing.T) { runScripts(t, "testdata/script") }

// TestCorpus runs the bad-input corpus: one or more cases per check, each
// asserting the exact diagnostics, exit 1, and nothing written.
func TestCorpus(t *testing.T) { runScripts(t, "testdata/corpus") }

func runScripts(t *testing.T, dir string) {
	testscript.Run(t, testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// replace FILE OLD NEW: replace every OLD by NEW in FILE.
			"replace": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 3 {
					ts.Fatalf("usage: replace FILE OLD NEW")
				}
				data := ts.ReadFile(args[0])
				if !strings.Contains(data, args[1]) {
					ts.Fatalf("%s does not contain %q", args[0], args[1])
				}
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.ReplaceAll(data, args[1], args[2])), 0o644))
			},
			"ruletests": ruleTestsCmd,
		},
		Setup: func(env *testscript.Env) error {
			// Never the user's cache; a script may set its own.
			env.Setenv("DATAOPSGEN_CACHE", env.WorkDir+"/.cache")
			// The bundled example, so scripts can start from a valid spec.
			data, err := os.ReadFile("../../examples/dataops/dataops.cue")
			if err != nil {
				return err
			}
			if err := os.MkdirAll(env.WorkDir+"/example", 0o755); err != nil {
				return err
			}
			return os.WriteFile(env.WorkDir+"/example/dataops.cue", data, 0o644)
		},
	})
}

// ruleTestsCmd is the script command `ruletests OUT`: the rule tests of the
// overlay OUT run as build runs them (testcache.RunCached, with the cache
// $DATAOPSGEN_CACHE). A spec cannot make build generate a failing test (the
// checks refuse a broken rule first), so the scripts break the overlay's
// files on disk instead, to show that a failure is never cached.
func ruleTestsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: ruletests OUT")
	}
	root := ts.MkAbs(args[0])
	var files []artifact.File
	ts.Check(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files = append(files, artifact.File{Path: filepath.ToSlash(rel), Data: data})
		return err
	}))
	var cache *testcache.Cache
	if dir := ts.Getenv(testcache.Env); dir != "off" {
		cache = testcache.New(dir)
	}
	fails, st := testcache.RunCached(files, ruletests.Dir, cache)
	for _, f := range fails {
		fmt.Fprintln(ts.Stderr(), f.String())
	}
	fmt.Fprintf(ts.Stdout(), "%d files: %d run, %d from the cache, %d failure(s)\n", st.Files, st.Files-st.Cached, st.Cached, len(fails))
	if err := cache.Err(); err != nil {
		ts.Fatalf("cache: %v", err)
	}
	if (len(fails) > 0) != neg {
		ts.Fatalf("%d failure(s)", len(fails))
	}
}
