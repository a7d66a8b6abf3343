// Package checks holds the checks run on every build and vet: small named
// units, each looking at the typed overlay model (input.go: the generated
// files and the views derived from them, with the spec paths they come
// from) and reporting problems at the spec position that produced them.
package checks

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// Check is one named check.
type Check struct {
	Name string
	Doc  string
	Run  func(in *Input) diag.List
}

// All returns every check, in a fixed order. Each family lives in its own
// files (rules_*.go, provenance_*.go, wiring_*.go, logs_*.go,
// alertmanager_*.go, spec_*.go, dashboards_*.go).
func All() []Check {
	var all []Check
	for _, family := range [][]Check{
		{rulesParse, scrapeConfigLoad, logsAlloyParse, overlayKustomize, valuesParse, dashboardsParse},
		rulesChecks(),
		provenanceChecks(),
		wiringChecks(),
		logsChecks(),
		alertmanagerChecks(),
		specChecks(),
		sloChecks(),
	} {
		all = append(all, family...)
	}
	return all
}

// Run runs every check, concurrently (one per CPU at a time), and returns
// the sorted diagnostics (the same list, in the same order, as running
// them one after the other: the sort is total on every field of a
// diagnostic).
func Run(in *Input) diag.List {
	// kustomize's build of the whole overlay, which several checks read,
	// first and alone: its working set while it builds is the largest of
	// all (~50 MB at 1,000 workloads; the result kept is small), and
	// would otherwise add to the others' at the build's peak of memory.
	in.kustomizeBuild()
	all := All()
	results := make([]diag.List, len(all))
	// At most one check per CPU at a time. The checks only compute, so
	// more at once would not finish sooner; but each one running holds
	// its working set (Prometheus's loader's parse of the scrape
	// configs, the rule files as rulefmt decodes them, ...), and with
	// every check started at once the scheduler kept all of them in
	// memory together: at 5,000 workloads, 136 MiB more live heap at the
	// build's peak. The heavy views spread their own work over the CPUs
	// (parallel).
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, c := range all {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			results[i] = c.Run(in)
		})
	}
	wg.Wait()
	var out diag.List
	for _, r := range results {
		out.Append(r...)
	}
	return out.Sorted()
}

// at makes a diagnostic at the spec position of source, with the generated
// file named in the detail line.
func at(in *Input, source, check, file, format string, args ...any) diag.Diagnostic {
	return diag.Diagnostic{
		Pos:     in.Spec.Pos(source),
		Check:   check,
		Message: fmt.Sprintf(format, args...),
		Detail:  "generated " + file,
	}
}
