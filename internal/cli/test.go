package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

func newTest() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "test DIR",
		Short: "Run the rule unit tests: of a built overlay (DIR/tests), or of a spec",
		Long: `test runs promtool-format rule tests in-process, with Prometheus's own PromQL
engine and rule manager (what ` + "`promtool test rules`" + ` does). DIR is either a
built overlay — every DIR/tests/*.test.yaml is run, so edited or hand-written
tests count — or a spec directory, which is compiled and whose generated
tests are run (all of them: unlike build, test never takes a pass from the
rule-test cache). Exit 1 on any failure.`,
		Args: dirArg("dataopsgen test DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			dir := args[0]
			tests, _ := filepath.Glob(filepath.Join(dir, ruletests.Dir, "*.test.yaml"))
			if len(tests) == 0 {
				// A spec directory: compile it; build.Dir runs the tests.
				// Every one of them: test is the command that runs tests
				// (to re-check what build took from its cache, too), so
				// it neither reads nor fills the cache.
				if _, err := os.Stat(filepath.Join(dir, "kustomization.yaml")); err == nil {
					return fmt.Errorf("%s holds no %s/*.test.yaml", dir, ruletests.Dir)
				}
				if err := specDir(dir); err != nil {
					return fmt.Errorf("%w, and no %s/*.test.yaml of a built overlay", err, ruletests.Dir)
				}
				res, diags := build.Dir(dir, build.Options{RuleTests: true})
				if diags != nil {
					return printDiags(cmd, format, diags)
				}
				n := 0
				for _, f := range res.Files {
					if filepath.Ext(f.Path) == ".yaml" && filepath.Dir(f.Path) == ruletests.Dir {
						n++
					}
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %s passed\n", dir, plural(n, "generated rule test file"))
				return nil
			}
			failed := 0
			for _, t := range tests {
				for _, f := range promunit.RunFile(t) {
					failed++
					fmt.Fprintln(cmd.ErrOrStderr(), f.String())
				}
			}
			if failed > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "%d failure(s) in %d test files\n", failed, len(tests))
				return errProblems
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s passed\n", plural(len(tests), "test file"))
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "diagnostics format: text or json")
	return cmd
}
