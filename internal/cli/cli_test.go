package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
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
		},
		Setup: func(env *testscript.Env) error {
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
