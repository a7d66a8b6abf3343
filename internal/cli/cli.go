// Package cli is the dataopsgen command line. Commands print through the
// command's writers, once, at the end: diagnostics to stderr, results to
// stdout.
package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/spf13/cobra"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// Exit codes, the same for every command (README "Exit codes", and the
// end of every command's --help: exitCodesHelp).
const (
	// ExitOK: done, nothing wrong.
	ExitOK = 0
	// ExitProblems: the spec has problems (each printed at its position),
	// or a rule test failed. Fix the spec.
	ExitProblems = 1
	// ExitUsage: the command could not run as asked: wrong arguments or
	// flags, a spec directory that does not exist or holds no .cue file,
	// an OUT that cannot be written or is not ours to replace.
	ExitUsage = 2
	// ExitStale: the spec is fine but OUT is not what it compiles to
	// (build --check, diff): rebuild and commit OUT.
	ExitStale = 3
)

// exitCodesHelp ends every command's long help.
const exitCodesHelp = `

Exit status: 0 ok; 1 the spec has problems (or a rule test failed); 2 usage
or environment error (arguments, flags, a missing spec directory, an OUT
that cannot be written); 3 OUT is stale (build --check, diff).`

// errProblems means diagnostics were already printed.
var errProblems = errors.New("problems found")

// errStale means OUT differs from what the spec compiles to; what differs
// was already printed.
var errStale = errors.New("out differs from the spec")

// Main runs the command line with os.Args and returns the exit code.
func Main() int {
	Process()
	return Run(os.Args[1:], os.Stdout, os.Stderr)
}

// Process sets what is the process's to set, for the command line (and
// the tools that time it as it runs):
//   - the collector's soft memory limit (memoryLimit), unless GOMEMLIMIT
//     is set;
//   - a no-op tracer provider: Prometheus's engine and rules manager start
//     an OpenTelemetry span for every query and group evaluation of the
//     rule tests, which nothing exports, and the default global provider
//     allocates each one (~97 MB, ~0.2 CPU-s at 1,000 workloads).
func Process() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	otel.SetTracerProvider(noop.NewTracerProvider())
}

// memoryLimit is a soft limit for the collector: with Go's default alone a
// spec of 5,000 workloads let the heap grow to 5.9 GB (91.7 s); with it the
// collector works harder past 4 GiB instead (4.0 GB, 62.9 s). Smaller specs
// never reach it. GOMEMLIMIT overrides it; GOGC is left alone (GOGC=400 with
// a 768 MiB limit thrashed at 5,000 workloads, 277 s).
const memoryLimit = 4 << 30

// Run runs the command line with args.
func Run(args []string, stdout, stderr io.Writer) int {
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errProblems):
		return ExitProblems
	case errors.Is(err, errStale):
		return ExitStale
	default:
		fmt.Fprintln(stderr, "dataopsgen:", err)
		return ExitUsage
	}
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "dataopsgen",
		Short:         "Compile a monitoring spec (CUE) into a checked kustomize overlay",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newBuild(), newVet(), newTest(), newDiff(), newInit(), newImport(), newVersion())
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%s: %w (see %s --help)", cmd.Name(), err, cmd.CommandPath())
	})
	for _, c := range root.Commands() {
		c.Long += exitCodesHelp
	}
	return root
}

// specDir checks that dir is a directory holding .cue files before it is
// compiled: a wrong path is a usage error (exit 2), not a spec problem.
func specDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("spec directory %s does not exist", dir)
		}
		return fmt.Errorf("spec directory %s: %w", dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory: give the directory that holds the spec's .cue files", dir)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.cue")); len(m) == 0 {
		return fmt.Errorf("spec directory %s holds no .cue file (dataopsgen init %s writes a starter spec)", dir, dir)
	}
	return nil
}

// dirArg accepts exactly one positional argument, the spec directory, and
// says so by name when it is missing (cobra's "accepts 1 arg(s)" does not).
func dirArg(usage string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return fmt.Errorf("%s needs the spec directory DIR: %s", cmd.Name(), usage)
		case len(args) > 1:
			return fmt.Errorf("%s takes one spec directory DIR, got %d arguments (%s): %s", cmd.Name(), len(args), strings.Join(args, " "), usage)
		}
		return nil
	}
}

// printDiags prints diagnostics in the requested format and returns
// errProblems.
func printDiags(cmd *cobra.Command, format string, diags diag.List) error {
	if format == "json" {
		diag.WriteJSON(cmd.OutOrStdout(), diags)
	} else {
		diag.WriteText(cmd.ErrOrStderr(), diags)
		fmt.Fprintf(cmd.ErrOrStderr(), "%d problem(s)\n", len(diags))
	}
	return errProblems
}

func checkFormat(format string) error {
	if format != "text" && format != "json" {
		return fmt.Errorf("--format must be text or json, not %q", format)
	}
	return nil
}
