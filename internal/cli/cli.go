// Package cli is the dataopsgen command line. Commands print through the
// command's writers, once, at the end: diagnostics to stderr, results to
// stdout.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/spf13/cobra"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitProblems = 1
	ExitUsage    = 2
)

// errProblems means diagnostics were already printed.
var errProblems = errors.New("problems found")

// errDiffers is diff's "there are differences" (exit 1, like diff(1)).
var errDiffers = errors.New("differences found")

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
	case errors.Is(err, errProblems), errors.Is(err, errDiffers):
		return ExitProblems
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
	return root
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
