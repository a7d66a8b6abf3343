package promunit

import (
	"runtime"
	"sync"

	"github.com/prometheus/prometheus/rules"
)

// Where the runner departs from promtool for every Options value, Reference
// too: promtool runs the test groups of a file one after the other, with a
// rule-manager metrics set each; here they run on a bounded pool of
// workers and share one metrics set. Neither changes a result (the groups
// are independent, the metrics are never read):
// TestConcurrentFilesMatchAlone compares files run together with each run
// alone.

// workers run the test groups, at most this many at once over every
// caller: opening a TSDB waits on the disk, hence twice as many as there
// are CPUs. They live as long as the process (blocked on groupJobs when
// idle) rather than a goroutine per group: evaluating a group grows the
// stack to tens of kilobytes (the engine's recursion), which a new
// goroutine does again by copying its stack at each doubling.
var workers = 2 * runtime.GOMAXPROCS(0)

var (
	groupJobs    = make(chan func())
	startWorkers sync.Once
)

// onWorker runs f on a worker, once one is free.
func onWorker(f func()) {
	startWorkers.Do(func() {
		for range workers {
			go func() {
				for f := range groupJobs {
					f()
				}
			}()
		}
	})
	groupJobs <- f
}

// fileSem bounds the files running at once; each runs its groups on the
// workers.
var fileSem = make(chan struct{}, 2*runtime.GOMAXPROCS(0))

// groupMetrics are the rule managers' metrics, never exported, shared by
// every test group of the process as Prometheus shares them between the
// groups of its manager: a set costs ~94 KB (the summaries' quantile
// streams), more than evaluating a group, and a set per file held 94 MB at
// 1,000 workloads. What stays behind is a few gauge and counter entries
// per rule group.
var groupMetrics = sync.OnceValue(func() *rules.Metrics { return rules.NewGroupMetrics(nil) })
