// Command benchgen writes a synthetic dataopsgen spec of N workloads into a
// directory, for benchmarks (see package synth for what it contains):
//
//	go run ./cmd/benchgen -n 1000 -o /tmp/spec-1000 [-slos] [-sloth /tmp/sloth-1000.yaml] [-edit]
//
// -sloth also writes a Sloth spec with one SLO per workload (make bench
// times Sloth on it next to dataopsgen); -slos writes the same SLOs as
// dataopsgen's (slos.cue); -edit writes the spec with one workload changed
// (synth.EditOne: make bench's one-workload rebuild).
// The spec is deterministic for a given N. The directory is created if
// needed; the .cue files benchgen writes are replaced, nothing else is
// touched.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dataopsgen/dataopsgen/internal/synth"
)

func main() {
	n := flag.Int("n", 1000, "number of workloads")
	out := flag.String("o", "", "directory to write the spec into (required)")
	sloth := flag.String("sloth", "", "also write a Sloth spec of the same N SLOs (one per workload) to this file")
	slos := flag.Bool("slos", false, "also write slos.cue: one SLO per workload, those of the Sloth spec")
	edit := flag.Bool("edit", false, "write the spec with one workload's alert changed (synth.EditOne)")
	flag.Parse()
	if *out == "" || *n < 1 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: benchgen -n N -o DIR [-slos] [-sloth FILE] [-edit]")
		os.Exit(2)
	}
	err := write(*out, *n, *edit)
	if err == nil && *slos {
		err = os.WriteFile(filepath.Join(*out, "slos.cue"), synth.SLOs(*n), 0o644)
	}
	if err == nil && *sloth != "" {
		err = os.WriteFile(*sloth, synth.Sloth(*n), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}

func write(dir string, n int, edit bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := synth.Generate(n)
	if edit {
		var err error
		if files, err = synth.EditOne(files); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
