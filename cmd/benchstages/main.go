// Command benchstages runs the build pipeline on a synthetic spec of N workloads
// stage by stage, timing each (and each check), and optionally profiles it:
//
//	go run ./cmd/benchstages -n 5000 -cpuprofile cpu.out -memprofile mem.out
//
// Unlike `dataopsgen build` it runs every stage whatever the diagnostics of
// the previous one (they are counted and the first few printed), so that the
// cost of the whole pipeline is visible even when a spec is refused.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/output"
	"github.com/dataopsgen/dataopsgen/internal/synth"
)

func main() {
	n := flag.Int("n", 1000, "number of workloads")
	dir := flag.String("dir", "", "read the spec from DIR instead of generating one of -n workloads")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the pipeline")
	memprofile := flag.String("memprofile", "", "write an allocation profile of the pipeline")
	only := flag.String("only", "", "profile only this stage (load, decode, generate, checks, ruletests, write); the others still run")
	perCheck := flag.Bool("checks", true, "time each check on its own (sequentially) instead of checks.Run")
	ruleTests := flag.Bool("ruletests", true, "run the generated rule tests")
	cold := flag.Bool("cold", false, "time each generator (cold, sequentially) before build.Generate")
	heapAt := flag.String("heapat", "", "after this stage, write the live heap (inuse profile after a GC) to -heapprofile")
	heapFile := flag.String("heapprofile", "heap.out", "where -heapat writes")
	whole := flag.String("build", "", "instead of the stages, run the whole build of -dir into this directory (as the CLI does)")
	peak := flag.String("peakheap", "", "with -build: write the heap profile of the GC cycle with the most live bytes here")
	cpuHz := flag.Int("cpuhz", 0, "CPU profile sampling rate (default 100 Hz; more for short runs)")
	flag.Parse()
	if *cpuHz > 0 {
		runtime.SetCPUProfileRate(*cpuHz) // StartCPUProfile then warns, and keeps this rate
	}
	coldFirst = *cold
	if *whole != "" {
		if err := wholeBuild(*dir, *whole, *cpuprofile, *peak); err != nil {
			fmt.Fprintln(os.Stderr, "stages:", err)
			os.Exit(1)
		}
		return
	}
	heapAtStage, heapProfile = *heapAt, *heapFile
	if err := run(*n, *dir, *cpuprofile, *memprofile, *only, *perCheck, *ruleTests); err != nil {
		fmt.Fprintln(os.Stderr, "stages:", err)
		os.Exit(1)
	}
}

var (
	coldFirst                bool
	heapAtStage, heapProfile string
)

type timer struct {
	only    string
	cpu     *os.File
	rows    [][2]string
	started time.Time
	heapErr error // of writing the live heap after heapAtStage
}

func (t *timer) stage(name string, f func() string) {
	if t.cpu != nil && t.only == name {
		pprof.StartCPUProfile(t.cpu)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	note := f()
	d := time.Since(start)
	t.rows = append(t.rows, [2]string{name, fmt.Sprintf("%9.3f s  %s", d.Seconds(), note)})
	if heapAtStage == name {
		t.heapErr = writeHeap(heapProfile, &t.rows)
	}
}

// writeHeap writes the live heap (after a full GC) to path and notes its size:
// what the pipeline still holds after a stage is what bounds peak memory.
func writeHeap(path string, rows *[][2]string) error {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	*rows = append(*rows, [2]string{"live heap", fmt.Sprintf("%9d MiB", ms.HeapAlloc>>20)})
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}

func run(n int, dir, cpuprofile, memprofile, only string, perCheck, ruleTests bool) error {
	if memprofile != "" {
		runtime.MemProfileRate = 64 << 10
	}
	var files []load.File
	if dir == "" {
		for _, f := range synth.Generate(n) {
			files = append(files, load.File{Name: f.Name, Data: f.Data})
		}
	}
	t := &timer{only: only, started: time.Now()}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		t.cpu = f
		if only == "" {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	var (
		res   *load.Result
		spec  *model.Spec
		out   []artifact.File
		diags diag.List
	)
	t.stage("load", func() string {
		if dir != "" {
			res, diags = load.Dir(dir)
		} else {
			res, diags = load.Files(files)
		}
		return count(diags)
	})
	if res == nil {
		return fmt.Errorf("load failed: %v", diags)
	}
	t.stage("decode", func() string {
		spec, diags = model.Decode(res)
		return count(diags)
	})
	if spec == nil {
		return fmt.Errorf("decode failed: %v", diags)
	}
	perGenerator := func() {
		// Each generator on its own, sequentially, to attribute the cost
		// (build.Generate runs them concurrently).
		t.stage("generators", func() string {
			var rows []string
			for _, g := range build.All() {
				start := time.Now()
				if _, err := g.Generate(spec); err != nil {
					return err.Error()
				}
				rows = append(rows, fmt.Sprintf("\n%16s %-32s %9.3f s", "", g.Name(), time.Since(start).Seconds()))
			}
			return "(sequential)" + strings.Join(rows, "")
		})
	}
	if coldFirst {
		perGenerator()
	}
	var err error
	t.stage("generate", func() string {
		out, err = build.Generate(spec)
		var bytes int
		for _, f := range out {
			bytes += len(f.Data)
		}
		return fmt.Sprintf("%d files, %d bytes", len(out), bytes)
	})
	if err != nil {
		return err
	}
	if perCheck && !coldFirst {
		perGenerator()
	}
	t.stage("checks", func() string {
		in := &checks.Input{Spec: spec, Files: out}
		if !perCheck {
			diags = checks.Run(in)
			return count(diags)
		}
		diags = nil
		var slow []string
		for _, c := range checks.All() {
			start := time.Now()
			diags = append(diags, c.Run(in)...)
			if d := time.Since(start); d > 5*time.Millisecond {
				slow = append(slow, fmt.Sprintf("\n%16s %-32s %9.3f s", "", c.Name, d.Seconds()))
			}
		}
		return count(diags) + strings.Join(slow, "")
	})
	if ruleTests {
		t.stage("ruletests", func() string { return count(build.RunRuleTests(spec, out)) })
	}
	tmp, err := os.MkdirTemp("", "stages-out-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	t.stage("write", func() string {
		if err := output.Write(tmp+"/out", out); err != nil {
			return err.Error()
		}
		return ""
	})
	if t.heapErr != nil {
		return t.heapErr
	}
	total := time.Since(t.started)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("stages of %d workloads (GOMAXPROCS %d)\n", len(spec.Workloads), runtime.GOMAXPROCS(0))
	for _, r := range t.rows {
		fmt.Printf("  %-10s %s\n", r[0], r[1])
	}
	fmt.Printf("  %-10s %9.3f s  total alloc %d MiB, heap sys %d MiB, %d GCs\n", "total", total.Seconds(),
		ms.TotalAlloc>>20, ms.HeapSys>>20, ms.NumGC)
	if memprofile != "" {
		f, err := os.Create(memprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		return pprof.Lookup("allocs").WriteTo(f, 0)
	}
	return nil
}

func count(l diag.List) string {
	if len(l) == 0 {
		return ""
	}
	s := fmt.Sprintf("%d diagnostics", len(l))
	for i, d := range l {
		if i == 3 {
			s += "\n                ..."
			break
		}
		first, _, _ := strings.Cut(d.String(), "\n")
		if len(first) > 160 {
			first = first[:160] + "..."
		}
		s += "\n                " + first
	}
	return s
}
