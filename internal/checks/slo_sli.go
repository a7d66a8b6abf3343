package checks

import (
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var sloSLI = Check{
	Name: "slo/sli",
	Doc: "Every SLO compiles: its workload exists, its SLI sets exactly one kind (availability, latency, ratio, boolGauge) that " +
		"the workload can feed (availability needs the failure signal of its server's preset, latency the histogram of its signal — " +
		"request, ttft, tpot — or one of the application's own; models it serves, on series that carry the model label), ratio and boolGauge selectors are plain PromQL series selectors, and each burn-rate window pair has a short " +
		"window below its long one and a long window within the compliance window.",
	Run: func(in *Input) diag.List {
		var out diag.List
		for _, r := range in.slos() {
			for _, p := range r.problems {
				out.Add(in.Spec.Pos(p.Path), "slo/sli", "%s", p.Message)
			}
		}
		return out
	},
}
