package checks_test

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// TestCheckTimes prints how long each check takes on the spec in
// DATAOPSGEN_TIMING_SPEC (a directory).
func TestCheckTimes(t *testing.T) {
	dir := os.Getenv("DATAOPSGEN_TIMING_SPEC")
	if dir == "" {
		t.Skip("DATAOPSGEN_TIMING_SPEC not set")
	}
	res, diags := load.Dir(dir)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	s, diags := model.Decode(res)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	start := time.Now()
	files, err := build.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generate: %v", time.Since(start))
	in := &checks.Input{Spec: s, Files: files}
	total := time.Now()
	for _, c := range checks.All() {
		start := time.Now()
		n := len(c.Run(in))
		t.Logf("%-30s %8v %d", c.Name, time.Since(start).Round(time.Microsecond), n)
	}
	t.Logf("all checks: %v", time.Since(total))
}

// TestFamilyTimes prints the best of 5 runs of the rules and provenance
// families (on a fresh Input each: its views included), on the spec in
// DATAOPSGEN_TIMING_SPEC (go run ./cmd/benchgen -n 1000 -o DIR).
func TestFamilyTimes(t *testing.T) {
	dir := os.Getenv("DATAOPSGEN_TIMING_SPEC")
	if dir == "" {
		t.Skip("DATAOPSGEN_TIMING_SPEC not set")
	}
	res, diags := load.Dir(dir)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	s, diags := model.Decode(res)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	files, err := build.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	var mine []checks.Check
	for _, c := range checks.All() {
		switch c.Name {
		case "rules/template", "rules/template-labels", "rules/duplicate", "rules/rate-window",
			"provenance/promql", "provenance/metric", "provenance/label":
			mine = append(mine, c)
		}
	}
	// CPU time of the process (the machine may be busy with other work).
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	per := map[string]time.Duration{}
	best, bestWall := time.Hour, time.Hour
	for range 5 {
		in := &checks.Input{Spec: s, Files: files}
		start, wall := cpu(), time.Now()
		for _, c := range mine {
			s := cpu()
			c.Run(in)
			if d := cpu() - s; per[c.Name] == 0 || d < per[c.Name] {
				per[c.Name] = d
			}
		}
		best, bestWall = min(best, cpu()-start), min(bestWall, time.Since(wall))
	}
	for _, c := range mine {
		t.Logf("%-24s %v CPU", c.Name, per[c.Name].Round(time.Millisecond))
	}
	t.Logf("rules+provenance: %v CPU, %v wall", best.Round(time.Millisecond), bestWall.Round(time.Millisecond))
}
