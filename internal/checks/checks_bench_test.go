package checks_test

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// BenchmarkChecks runs each check on its own, on a fresh input (so each
// pays for the decodes it shares with others), on the overlay of the
// synthetic spec, and reports the process's CPU time per run (cpu-s/op:
// the machine is shared, wall time is noisy). rules/parse-rulefmt is
// rules/parse with rulefmt.Parse as the parser (before the shared
// validation of alerts' entries); all-sequential runs every check, one
// after the other, on one input (as the stages command times them).
//
//	DATAOPSGEN_BENCH_SIZES=1000 go test ./internal/checks/ -run '^$' -bench Checks -benchtime 3x
func BenchmarkChecks(b *testing.B) {
	n := 1000
	if s := os.Getenv("DATAOPSGEN_BENCH_SIZES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	in := synthInput(b, n)
	runs := map[string]func(*checks.Input) diag.List{
		"rules/parse-rulefmt": checks.RulesParseRulefmt,
		"all-sequential": func(in *checks.Input) (out diag.List) {
			for _, c := range checks.All() {
				out = append(out, c.Run(in)...)
			}
			return out
		},
	}
	names := []string{"all-sequential", "rules/parse-rulefmt"}
	for _, c := range checks.All() {
		runs[c.Name] = c.Run
		names = append(names, c.Name)
	}
	for _, name := range names {
		b.Run(name, func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				runs[name](fresh(in))
			}
			b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// cpuTime is the user+system time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
