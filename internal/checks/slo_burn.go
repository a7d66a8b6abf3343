package checks

import (
	"math/big"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/slo"
)

var sloBurnThreshold = Check{
	Name: "slo/burn-threshold",
	Doc: "Every burn-rate window pair of an SLO can fire: its threshold, factor × error budget, is below 1 (an error ratio " +
		"cannot exceed 100%: with a 90% objective a 14.4× page never fires).",
	Run: func(in *Input) diag.List {
		var out diag.List
		one := big.NewRat(1, 1)
		for _, p := range sloPlans(in) {
			for _, t := range p.Tiers {
				for _, pr := range t.Pairs {
					th := p.Threshold(pr)
					if th.Cmp(one) < 0 {
						continue
					}
					out.Add(in.Spec.Pos(pr.Path+".budgetPercent"), "slo/burn-threshold",
						"the %s/%s %s pair of SLO %s alerts above %s× a budget of %s, an error ratio of %s: above 100%%, it can never fire; lower budgetPercent or the objective",
						slo.Dur(pr.Long), slo.Dur(pr.Short), t.Name, p.SLO.Name, slo.Number(pr.Factor), slo.Number(p.Budget), slo.Number(th))
				}
			}
		}
		return out
	},
}
