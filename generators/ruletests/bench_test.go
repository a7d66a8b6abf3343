package ruletests

import (
	"runtime"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/cpuclock"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// BenchmarkExample is the cost of running the example's generated tests
// (what build adds).
func BenchmarkExample(b *testing.B) {
	files := generateT(b, example(b))
	b.ResetTimer()
	for b.Loop() {
		if f := runTests(files); len(f) > 0 {
			b.Fatal(f[0].String())
		}
	}
}

// BenchmarkTests is the cost of building the tests of 200 synthetic
// workloads (the generator without marshalling, one relabel cache per run
// as in generate).
func BenchmarkTests(b *testing.B) {
	s := modeltest.Synthetic(b, 200)
	groups := make([]rules.Group, len(s.Workloads))
	for i, w := range s.Workloads {
		groups[i] = rules.WorkloadGroup(s, w)
	}
	b.ResetTimer()
	for b.Loop() {
		parsed := &sharedParses{}
		for i, w := range s.Workloads {
			if _, err := tests(s, w, groups[i], parsed); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkGenerate1000 is the whole generator (tests, rule files,
// marshalling) on 1,000 synthetic workloads, as build runs it.
func BenchmarkGenerate1000(b *testing.B) {
	s := modeltest.Synthetic(b, 1000)
	b.ReportAllocs()
	runtime.GC()
	cpu0 := cpuclock.Start(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := New().Generate(s); err != nil {
			b.Fatal(err)
		}
	}
	// The process's CPU time (user and system: the workers, GC, page
	// faults) per run: steadier than wall time on a shared machine.
	cpuclock.Report(b, cpu0)
}
