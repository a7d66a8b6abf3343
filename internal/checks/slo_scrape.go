package checks

import (
	"time"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/slo"
)

var sloWindowScrape = Check{
	Name: "slo/window-scrape",
	Doc: "Every burn-rate window of an SLO spans at least 4 scrape intervals (stack.prometheus.scrapeInterval): the error ratio " +
		"over a shorter window is empty or noise after one missed scrape, and the pair could never fire (rules/rate-window " +
		"leaves the SLO rules to this check).",
	Run: func(in *Input) diag.List {
		var out diag.List
		scrape := secondsDur(in.Spec.Stack.Prometheus.ScrapeInterval)
		if scrape <= 0 {
			return nil
		}
		need := minSamples * scrape
		for _, p := range sloPlans(in) {
			for _, t := range p.Tiers {
				for _, pr := range t.Pairs {
					for _, w := range []struct {
						field string
						d     time.Duration
					}{{"long", pr.Long}, {"short", pr.Short}} {
						if w.d < need {
							out.Add(in.Spec.Pos(pr.Path+"."+w.field), "slo/window-scrape",
								"the %s window %s of SLO %s (%s) spans fewer than %d scrapes (scrape interval %s): use a window of at least %s",
								w.field, slo.Dur(w.d), p.SLO.Name, t.Name, minSamples, in.Spec.Stack.Prometheus.ScrapeInterval, slo.Dur(need))
						}
					}
				}
			}
		}
		return out
	},
}

// secondsDur parses a duration the schema validated.
func secondsDur(s string) time.Duration {
	return time.Duration(model.Seconds(s) * float64(time.Second))
}
