package load

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/internal/synth"
)

// benchSizes are the spec sizes the load benchmark runs
// (DATAOPSGEN_BENCH_SIZES=10,100 for a quick look).
func benchSizes() []int {
	sizes := []int{10, 1000, 5000}
	if s := os.Getenv("DATAOPSGEN_BENCH_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			if n, err := strconv.Atoi(f); err == nil {
				sizes = append(sizes, n)
			}
		}
	}
	return sizes
}

func synthFiles(n int) []File {
	var files []File
	for _, f := range synth.Generate(n) {
		files = append(files, File{Name: f.Name, Data: f.Data})
	}
	return files
}

// BenchmarkLoad: loading a synthetic spec. cpu-ms/op is the process CPU
// time per load (including the garbage collector's), steadier than wall time
// on a busy machine.
//
//	go test ./internal/load -run '^$' -bench Load
func BenchmarkLoad(b *testing.B) {
	for _, n := range benchSizes() {
		files := synthFiles(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			c0 := cpuTime()
			for b.Loop() {
				if _, diags := Files(files); diags != nil {
					b.Fatal(diags.Err())
				}
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
