package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/cli"
	"github.com/dataopsgen/dataopsgen/internal/output"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

// wholeBuild runs what `dataopsgen build DIR -o OUT` runs (build.Dir with
// the rule tests, the build cache and OUT's stage, then its commit), under the CPU profile if one is
// asked for: the stages above run one after another, the build overlaps
// them. peakprofile receives the heap profile at the peak of live memory.
func wholeBuild(dir, out, cpuprofile, peakprofile string) error {
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	cli.Process() // as the command line runs
	if peakprofile != "" {
		p := watchPeakHeap()
		defer func() {
			live, at, err := p.write(peakprofile)
			if err != nil {
				fmt.Fprintln(os.Stderr, "stages:", err)
			}
			fmt.Printf("peak live heap %d MiB at %.1f s: %s\n", live>>20, at.Seconds(), peakprofile)
		}()
	}
	start := time.Now()
	// The rule-test cache the command line uses (DATAOPSGEN_CACHE), so that
	// a rebuild can be profiled as users run it.
	cache := testcache.Open()
	// OUT staged before the build, as the command line does, so that
	// the rule tests leave memory once generated (build.Options.Stage).
	stage, err := output.Begin(out)
	if err != nil {
		return err
	}
	defer stage.Abort()
	res, diags := build.Dir(dir, build.Options{RuleTests: true, TestCache: cache, Stage: stage})
	cache.Trim()
	if diags != nil {
		return fmt.Errorf("build: %v", diags)
	}
	built := time.Since(start)
	if err := stage.Commit(res.Files); err != nil {
		return err
	}
	fmt.Printf("build %.3f s, write %.3f s\n", built.Seconds(), (time.Since(start) - built).Seconds())
	return nil
}
