package checks

import (
	"github.com/dataopsgen/dataopsgen/internal/slo"
)

// sloChecks is the SLO family: one check per file (slo_*.go).
func sloChecks() []Check {
	return []Check{sloSLI, sloBucketBoundary, sloWindowRetention, sloWindowScrape, sloBurnThreshold, sloProvenance, sloInhibition}
}

// resolvedSLO is an SLO of the spec, planned.
type resolvedSLO struct {
	plan     *slo.Plan // nil when it does not compile
	problems []slo.Problem
}

// resolveSLOs resolves every SLO of the spec, in name order.
func resolveSLOs(in *Input) []resolvedSLO {
	out := make([]resolvedSLO, len(in.Spec.SLOs))
	for i, o := range in.Spec.SLOs {
		out[i].plan, out[i].problems = slo.Resolve(in.Spec, o)
	}
	return out
}

// sloPlans are the SLOs that compile.
func sloPlans(in *Input) []*slo.Plan {
	var out []*slo.Plan
	for _, r := range in.slos() {
		if r.plan != nil {
			out = append(out, r.plan)
		}
	}
	return out
}
