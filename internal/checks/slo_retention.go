package checks

import (
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var sloWindowRetention = Check{
	Name: "slo/window-retention",
	Doc: "An SLO's compliance window is at most the Prometheus retention (stack.prometheus.retention): the budget is counted " +
		"over the window's samples, and those older than the retention are gone.",
	Run: func(in *Input) diag.List {
		var out diag.List
		ret := in.Spec.Stack.Prometheus.Retention
		keep := secondsDur(ret)
		if keep <= 0 {
			return nil
		}
		for _, p := range sloPlans(in) {
			if p.Window > keep {
				out.Add(in.Spec.Pos(p.SLO.Path("window")), "slo/window-retention",
					"SLO %s counts its budget over %s but Prometheus keeps %s of samples (stack.prometheus.retention): raise the retention to at least %s, or shorten the window",
					p.SLO.Name, p.SLO.Window, ret, p.SLO.Window)
			}
		}
		return out
	},
}
