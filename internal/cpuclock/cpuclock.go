// Package cpuclock reports benchmarks' CPU time: on a shared 2-core
// machine the process's CPU time (user and system: the workers, GC, page
// faults) per run is steadier than wall time.
package cpuclock

import (
	"syscall"
	"testing"
	"time"
)

// Start is the CPU time the process has used so far, to pass to Report.
func Start(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Report reports the CPU time used since start per run, as cpu-ns/op.
func Report(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(Start(b)-start)/float64(b.N), "cpu-ns/op")
}
