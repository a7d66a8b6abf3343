// Command benchgen writes a synthetic dataopsgen spec of N workloads into a
// directory, for benchmarks (see package synth for what it contains):
//
//	go run ./internal/benchgen -n 1000 -o /tmp/spec-1000
//
// The spec is deterministic for a given N. The directory is created if
// needed; the .cue files benchgen writes are replaced, nothing else is
// touched.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dataopsgen/dataopsgen/internal/benchgen/synth"
)

func main() {
	n := flag.Int("n", 1000, "number of workloads")
	out := flag.String("o", "", "directory to write the spec into (required)")
	flag.Parse()
	if *out == "" || *n < 1 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: benchgen -n N -o DIR")
		os.Exit(2)
	}
	if err := write(*out, *n); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}

func write(dir string, n int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range synth.Generate(n) {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
