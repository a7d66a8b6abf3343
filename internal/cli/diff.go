package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/review"
)

func newDiff() *cobra.Command {
	var against string
	var summaryOnly, noFlux bool
	cmd := &cobra.Command{
		Use:   "diff DIR [--against OUT]",
		Short: "Show what building DIR would change in OUT: a reviewer's summary, then the file diff",
		Long: `diff compiles DIR and compares the result with the overlay in OUT (default
"out"): first a summary a reviewer reads in a pull request — alerts added,
removed or changed (expression, for, labels), dashboards and scrape jobs
changed, files — then a unified diff of the files. Exit 0 when there is no
difference, 3 when there are (as build --check), 1 when the spec has
problems (nothing to compare).`,
		Args: dirArg("dataopsgen diff DIR [--against OUT]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := specDir(args[0]); err != nil {
				return err
			}
			res, diags := build.Dir(args[0], build.Options{NoFlux: noFlux})
			if diags != nil {
				return printDiags(cmd, "text", diags)
			}
			old, err := readTree(against)
			if err != nil {
				return err
			}
			cur := map[string][]byte{}
			for _, f := range res.Files {
				cur[f.Path] = f.Data
			}
			changes := review.Summarize(old, cur)
			if len(changes) == 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "no changes: %s is what %s compiles to\n", against, args[0])
				return nil
			}
			w := cmd.OutOrStdout()
			section := ""
			for _, c := range changes {
				if c.Section != section {
					section = c.Section
					fmt.Fprintf(w, "%s:\n", section)
				}
				fmt.Fprintf(w, "  %s\n", c)
			}
			if !summaryOnly {
				for _, c := range changes {
					if c.Section == "files" {
						unified(w, against, c.Name, old[c.Name], cur[c.Name])
					}
				}
			}
			return errStale
		},
	}
	cmd.Flags().StringVar(&against, "against", "out", "the overlay to compare with")
	cmd.Flags().BoolVar(&summaryOnly, "summary", false, "print only the summary")
	cmd.Flags().BoolVar(&noFlux, "no-flux", false, "as build --no-flux")
	return cmd
}

func unified(w io.Writer, against, path string, a, b []byte) {
	d := difflib.UnifiedDiff{
		A:        difflib.SplitLines(string(a)),
		B:        difflib.SplitLines(string(b)),
		FromFile: filepath.ToSlash(filepath.Join(against, path)) + " (committed)",
		ToFile:   filepath.ToSlash(filepath.Join(against, path)) + " (built)",
		Context:  3,
	}
	text, _ := difflib.GetUnifiedDiffString(d)
	fmt.Fprint(w, text)
}

// readTree reads every file under dir (a missing dir is an empty tree).
func readTree(dir string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	return out, err
}
