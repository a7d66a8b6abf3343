package promunit_test

import (
	"sync"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/cpuclock"

	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// BenchmarkRun200 runs the generated tests of 200 synthetic workloads on
// the generator's typed values, all files at once as a build runs them
// (the runner bounds what is in flight), and reports the process's CPU
// time per run (user and system: every worker, the GC), steadier than
// wall time on a shared machine.
func BenchmarkRun200(b *testing.B) {
	spec := modeltest.Synthetic(b, 200)
	gen, err := ruletests.New().Generate(spec)
	if err != nil {
		b.Fatal(err)
	}
	values := map[string]any{}
	for _, f := range gen {
		values[f.Path] = f.Value
	}
	var cases []tcase
	for _, w := range spec.Workloads {
		tf, ok := values[ruletests.TestPath(w)].(*promunit.TestFile)
		g, ok2 := values[ruletests.Dir+"/"+ruletests.RulesPath(w)].([]rulefmt.RuleGroup)
		if ok && ok2 {
			cases = append(cases, tcase{w.Name, tf, g})
		}
	}
	if len(cases) == 0 {
		b.Fatal("no typed test files")
	}
	b.ReportAllocs()
	cpu0 := cpuclock.Start(b)
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for _, c := range cases {
			wg.Go(func() {
				if f := promunit.Run(c.tf, c.groups); len(f) > 0 {
					b.Error(f[0].String())
				}
			})
		}
		wg.Wait()
	}
	cpuclock.Report(b, cpu0)
}
