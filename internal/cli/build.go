package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dataopsgen/dataopsgen/generators/dashboards"
	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/output"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

func newBuild() *cobra.Command {
	var out string
	var check, noFlux bool
	var format string
	cmd := &cobra.Command{
		Use:   "build DIR -o OUT",
		Short: "Compile the spec in DIR, check everything, and replace OUT with the overlay",
		Long: `build compiles every .cue file in DIR, runs every check, and writes the
kustomize overlay to OUT: into a temporary directory first, then swapped in.
On any problem nothing is written. With --check it writes nothing and exits
3 when OUT differs from what the spec compiles to (for CI).

-o OUT is required. OUT must be absent, empty, or a previous output of
dataopsgen: build never replaces a directory it did not write.`,
		Args: dirArg("dataopsgen build DIR -o OUT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if err := specDir(args[0]); err != nil {
				return err
			}
			cache := testcache.Open()
			opts := build.Options{RuleTests: true, NoFlux: noFlux, TestCache: cache, Routing: !check}
			// The rule tests go to OUT's stage as soon as they are
			// generated (build.Options.Stage). When OUT cannot be
			// staged (not ours, no parent yet), the build keeps them in
			// memory and the write below says why, after the spec's own
			// problems, as before.
			var stage *output.Stage
			if !check {
				if s, err := output.Begin(out); err == nil {
					stage = s
					defer stage.Abort()
					opts.Stage = stage
				}
			}
			res, diags := build.Dir(args[0], opts)
			cache.Trim()
			cacheNote(cmd.ErrOrStderr(), cache)
			if diags != nil {
				return printDiags(cmd, format, diags)
			}
			if format != "json" {
				printNotes(cmd.ErrOrStderr(), res)
			}
			if check {
				if _, err := os.Stat(out); errors.Is(err, fs.ErrNotExist) {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s does not exist: nothing was built from %s yet\nrun: dataopsgen build %s -o %s\n", out, args[0], args[0], out)
					return errStale
				}
				diff, err := output.Diff(out, res.Files)
				if err != nil {
					return err
				}
				if len(diff) > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s is stale; these files differ from what %s compiles to:\n", out, args[0])
					for _, p := range diff {
						fmt.Fprintf(cmd.ErrOrStderr(), "\t%s\n", p)
					}
					fmt.Fprintf(cmd.ErrOrStderr(), "run: dataopsgen build %s -o %s\n", args[0], out)
					return errStale
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s is up to date (%d files)\n", out, len(res.Files))
				return nil
			}
			var err error
			if stage != nil {
				err = stage.Commit(res.Files)
			} else {
				err = output.Write(out, res.Files)
			}
			if err != nil {
				return err
			}
			summary(cmd.OutOrStdout(), res, out, cache.On())
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "overlay directory to write, replaced as a whole (required)")
	cmd.MarkFlagRequired("output")
	cmd.Flags().BoolVar(&check, "check", false, "write nothing; exit 3 when OUT is stale or missing")
	cmd.Flags().BoolVar(&noFlux, "no-flux", false, "leave out the Flux HelmRepository/HelmRelease objects (plain values files for helm install -f)")
	cmd.Flags().StringVar(&format, "format", "text", "diagnostics format: text or json")
	return cmd
}

// summary prints what was built, on one screen.
func summary(w io.Writer, res *build.Result, out string, cacheOn bool) {
	var training, inference, rulesN, nDashboards, bytes int
	for _, wl := range res.Spec.Workloads {
		if wl.Training != nil {
			training++
		} else {
			inference++
		}
	}
	prefix := ""
	if len(res.Environments) > 0 {
		prefix = kustomization.BaseDir + "/"
	}
	ruleFiles := 0
	for _, f := range res.Files {
		bytes += f.Size()
		p, ok := strings.CutPrefix(f.Path, prefix)
		switch {
		case !ok:
		case strings.HasPrefix(p, rules.Dir):
			ruleFiles++
			rulesN += strings.Count(string(f.Data), "\n    - alert: ") + strings.Count(string(f.Data), "\n    - record: ")
		case strings.HasPrefix(p, dashboards.Dir):
			nDashboards++
		}
	}
	fmt.Fprintf(w, "wrote %s: %d files, %d bytes\n", out, len(res.Files), bytes)
	fmt.Fprintf(w, "  workloads:  %d (%d training, %d inference)\n", len(res.Spec.Workloads), training, inference)
	fmt.Fprintf(w, "  rules:      %d in %s\n", rulesN, plural(ruleFiles, "PrometheusRule object"))
	t := res.RuleTests
	fmt.Fprintf(w, "  rule tests: %s passed (%d run, ", plural(t.Files, "file"), t.Files-t.Cached)
	if cacheOn {
		fmt.Fprintf(w, "%d from the cache)\n", t.Cached)
	} else {
		fmt.Fprintf(w, "cache off)\n")
	}
	fmt.Fprintf(w, "  scrape:     %s\n", plural(len(res.Spec.Workloads), "job"))
	fmt.Fprintf(w, "  dashboards: %d\n", nDashboards)
	fmt.Fprintf(w, "  logs:       %s\n", res.Spec.Stack.LogCollector.Kind)
	if len(res.Environments) > 0 {
		var envs []string
		for _, e := range res.Environments {
			envs = append(envs, e.Environment)
		}
		fmt.Fprintf(w, "  environments: %s (overlays of %s/%s)\n", strings.Join(envs, ", "), out, kustomization.BaseDir)
	}
	routingSummary(w, res)
	secretsSummary(w, res, out)
	applySteps(w, res, out)
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// cacheNote says, once, that the rule-test cache had a problem: the build
// ran the tests it could not take from the cache, and is as checked as
// without one; the note is for the user to fix the cache (or turn it off)
// and get the speed back.
func cacheNote(w io.Writer, cache *testcache.Cache) {
	err := cache.Err()
	if err == nil {
		return
	}
	where := ""
	if cache.Dir() != "" {
		where = " " + cache.Dir()
	}
	fmt.Fprintf(w, "dataopsgen: note: rule-test cache%s: %v; the tests ran without it (%s=off turns it off)\n", where, err, testcache.Env)
}

// routingSummary says where Alertmanager sends the generated alerts, per
// compiled spec: alerts that reach only "null" are dropped, and saying so
// is the difference between a quiet pager and a broken one.
func routingSummary(w io.Writer, res *build.Result) {
	for i, t := range res.Routing {
		where := ""
		if len(res.Environments) > 0 {
			where = " (base)"
			if i > 0 {
				where = " (" + res.Environments[i-1].Environment + ")"
			}
		}
		fmt.Fprintf(w, "  alerts go to%s, as Alertmanager routes them:\n", where)
		for _, l := range t.Lines() {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
}
