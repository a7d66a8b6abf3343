package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/output"
)

// wholeBuild runs what `dataopsgen build DIR -o OUT` runs (build.Dir with
// the rule tests, then output.Write), under the CPU profile if one is
// asked for: the stages above run one after another, the build overlaps
// them.
func wholeBuild(dir, out, cpuprofile string) error {
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	res, diags := build.Dir(dir, build.Options{RuleTests: true})
	if diags != nil {
		return fmt.Errorf("build: %v", diags)
	}
	built := time.Since(start)
	if err := output.Write(out, res.Files); err != nil {
		return err
	}
	fmt.Printf("build %.3f s, write %.3f s\n", built.Seconds(), (time.Since(start) - built).Seconds())
	return nil
}
