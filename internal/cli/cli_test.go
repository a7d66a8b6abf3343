package cli

import (
	"os"
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
