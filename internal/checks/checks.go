// Package checks holds the checks run on every build and vet: small named
// units, each looking at the typed overlay model (input.go: the generated
// files and the views derived from them, with the spec paths they come
// from) and reporting problems at the spec position that produced them.
package checks

import (
	"fmt"

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

// Run runs every check, one after the other, and returns the sorted
// diagnostics.
//
// One at a time, because each check running holds its working set
// (Prometheus's loader's parse of the scrape configs, the rule files as
// rulefmt decodes them, ...): started all at once, they were all in memory
// together, and the checks were the build's peak of memory. The heavy
// views spread their own work over the CPUs (parallel); the other checks
// are quick (~0.5 CPU-s together at 1,000 workloads, what a machine with
// many CPUs gives up).
//
// A view is let go of as soon as the last check reading it has run
// (views, reads.go).
func Run(in *Input) diag.List { return runAll(in, All()) }

// runAll is Run of the checks all, in their order.
func runAll(in *Input, all []Check) diag.List {
	// kustomize's build of the whole overlay, which several checks read,
	// first, before any view is held: its working set while it builds is
	// the largest of all (~50 MB at 1,000 workloads; the result kept is
	// small).
	in.kustomizeBuild()
	var readers [numViews]int // the checks still to run that read each view
	for _, c := range all {
		for _, id := range reads[c.Name] {
			readers[id]++
		}
	}
	var out diag.List
	for _, c := range all {
		out.Append(c.Run(in)...)
		for _, id := range reads[c.Name] {
			if readers[id]--; readers[id] == 0 {
				in.v().drop(id)
			}
		}
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
