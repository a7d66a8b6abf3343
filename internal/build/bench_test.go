package build_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/cpuclock"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/output"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

// Benchmarks of each stage of the pipeline on synthetic specs
// (internal/synth) of N workloads:
//
//	go test ./internal/build/ -run '^$' -bench . -benchtime 1x
//	go test ./internal/build/ -run '^$' -bench 'Generate/n=1000$' -cpuprofile cpu.out
//
// N is 10, 100, 1000 and 5000 (10 and 100 with -short);
// DATAOPSGEN_BENCH_SIZES=10,100 picks others. Each stage starts from the
// output of the previous ones, computed once per N and process. Besides
// ns/op, each reports ns/workload, to show how cost grows with N.

func benchSizes() []int {
	if s := os.Getenv("DATAOPSGEN_BENCH_SIZES"); s != "" {
		var out []int
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				panic("DATAOPSGEN_BENCH_SIZES: bad size " + f)
			}
			out = append(out, n)
		}
		return out
	}
	if testing.Short() {
		return []int{10, 100}
	}
	return []int{10, 100, 1000, 5000}
}

// fixture is the pipeline's state for one N.
type fixture struct {
	files []load.File
	res   *load.Result
	spec  *model.Spec
	out   []artifact.File
}

var (
	fixturesMu sync.Mutex
	fixtures   = map[int]*fixture{}
)

// stage names how far the fixture must be computed.
type stage int

const (
	sourced stage = iota
	loaded
	generated
)

func getFixture(b *testing.B, n int, upTo stage) *fixture {
	b.Helper()
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	f := fixtures[n]
	if f == nil {
		f = &fixture{files: modeltest.SynthFiles(n)}
		fixtures[n] = f
	}
	if upTo >= loaded && f.spec == nil {
		res, diags := load.Files(f.files)
		if diags != nil {
			b.Fatalf("load: %v", diags.Err())
		}
		spec, diags := model.Decode(res)
		if diags != nil {
			b.Fatalf("decode: %v", diags.Err())
		}
		f.res, f.spec = res, spec
	}
	if upTo >= generated && f.out == nil {
		out, err := build.Generate(f.spec)
		if err != nil {
			b.Fatal(err)
		}
		f.out = out
	}
	return f
}

func perSize(b *testing.B, upTo stage, run func(b *testing.B, f *fixture)) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			f := getFixture(b, n, upTo)
			b.ReportAllocs()
			cpu0 := cpuclock.Start(b)
			b.ResetTimer()
			run(b, f)
			b.StopTimer()
			cpuclock.Report(b, cpu0)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/workload")
		})
	}
}

// BenchmarkLoadDecode: CUE parsing, unification with the schema,
// validation, and decoding into the model.
func BenchmarkLoadDecode(b *testing.B) {
	perSize(b, sourced, func(b *testing.B, f *fixture) {
		for b.Loop() {
			res, diags := load.Files(f.files)
			if diags != nil {
				b.Fatal(diags.Err())
			}
			if _, diags := model.Decode(res); diags != nil {
				b.Fatal(diags.Err())
			}
		}
	})
}

// BenchmarkDecode: model.Decode alone.
func BenchmarkDecode(b *testing.B) {
	perSize(b, loaded, func(b *testing.B, f *fixture) {
		for b.Loop() {
			if _, diags := model.Decode(f.res); diags != nil {
				b.Fatal(diags.Err())
			}
		}
	})
}

// BenchmarkGenerate: every generator (concurrently) and the kustomization.
func BenchmarkGenerate(b *testing.B) {
	perSize(b, loaded, func(b *testing.B, f *fixture) {
		var bytes int
		for b.Loop() {
			out, err := build.Generate(f.spec)
			if err != nil {
				b.Fatal(err)
			}
			bytes = 0
			for _, o := range out {
				bytes += len(o.Data)
			}
		}
		b.ReportMetric(float64(bytes), "out-bytes")
	})
}

// BenchmarkGenerator: each generator on its own.
func BenchmarkGenerator(b *testing.B) {
	for _, g := range build.All() {
		b.Run(g.Name(), func(b *testing.B) {
			perSize(b, loaded, func(b *testing.B, f *fixture) {
				for b.Loop() {
					if _, err := g.Generate(f.spec); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkChecks: every check on the generated overlay. The diagnostics
// are not required to be empty (a spec may be refused); their number is
// reported.
func BenchmarkChecks(b *testing.B) {
	perSize(b, generated, func(b *testing.B, f *fixture) {
		var n int
		for b.Loop() {
			n = len(checks.Run(&checks.Input{Spec: f.spec, Files: f.out}))
		}
		b.ReportMetric(float64(n), "diagnostics")
	})
}

// BenchmarkCheck: each check on its own (a fresh Input each time, so that
// shared parses are counted in every check that needs them).
func BenchmarkCheck(b *testing.B) {
	for _, c := range checks.All() {
		b.Run(strings.ReplaceAll(c.Name, "/", "-"), func(b *testing.B) {
			perSize(b, generated, func(b *testing.B, f *fixture) {
				for b.Loop() {
					c.Run(&checks.Input{Spec: f.spec, Files: f.out})
				}
			})
		})
	}
}

// BenchmarkRuleTests: the generated promtool rule tests, run in-process.
func BenchmarkRuleTests(b *testing.B) {
	perSize(b, generated, func(b *testing.B, f *fixture) {
		for b.Loop() {
			if diags := build.RunRuleTests(f.spec, f.out); diags != nil {
				b.Fatal(diags.Err())
			}
		}
	})
}

// BenchmarkBuildWarm: BenchmarkBuild again with the rule-test cache the
// first build filled: every test file from the cache (what is left is
// hashing the test and rule files and reading one entry per file).
func BenchmarkBuildWarm(b *testing.B) {
	perSize(b, generated, func(b *testing.B, f *fixture) {
		cache := testcache.New(filepath.Join(b.TempDir(), "cache"))
		if _, err := build.Files(f.files, build.Options{RuleTests: true, TestCache: cache}); err != nil {
			b.Fatal(err.Err())
		}
		for b.Loop() {
			res, diags := build.Files(f.files, build.Options{RuleTests: true, TestCache: cache})
			if diags != nil {
				b.Fatal(diags.Err())
			}
			if res.RuleTests.Cached != res.RuleTests.Files {
				b.Fatalf("%+v: not all from the cache", res.RuleTests)
			}
		}
	})
}

// BenchmarkWrite: writing the overlay (temporary directory, then swap).
func BenchmarkWrite(b *testing.B) {
	perSize(b, generated, func(b *testing.B, f *fixture) {
		dir := filepath.Join(b.TempDir(), "out")
		for b.Loop() {
			if err := output.Write(dir, f.out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBuild: the whole of `dataopsgen build` but reading the spec and
// writing the overlay: load, decode, generate, checks, rule tests. It fails
// when the spec is refused (the later stages would not run).
func BenchmarkBuild(b *testing.B) {
	perSize(b, sourced, func(b *testing.B, f *fixture) {
		for b.Loop() {
			if _, diags := build.Files(f.files, build.Options{RuleTests: true}); diags != nil {
				b.Fatalf("build refused the spec (%d diagnostics): %v", len(diags), diags[0])
			}
		}
	})
}
