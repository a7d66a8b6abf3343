package checks_test

import "testing"

func TestSLOWindowScrape(t *testing.T) {
	runCases(t, "slo/window-scrape", []checkCase{
		{name: "workbook windows at 30s", base: sloBase, extra: "slos: a: {workload: \"resnet\", objective: 99.9, sli: availability: {}}\n"},
		{
			name: "5m short window at a 2m scrape interval", base: sloBase,
			extra: "stack: prometheus: scrapeInterval: \"2m\"\nslos: a: {workload: \"resnet\", objective: 99.9, sli: availability: {}}\n",
			want:  []string{`x.cue:2:7: the short window 5m of SLO a (page) spans fewer than 4 scrapes (scrape interval 2m): use a window of at least 8m`},
		},
		{
			name: "at the pair written", base: sloBase,
			extra: "slos: a: {workload: \"resnet\", objective: 99.9, sli: availability: {}\n\talerting: ticket: windows: [{long: \"1d\", short: \"1m\", budgetPercent: 10}]\n}\n",
			want:  []string{`x.cue:2:43: the short window 1m of SLO a (ticket) spans fewer than 4 scrapes (scrape interval 30s): use a window of at least 2m`},
		},
		{
			name: "rules/rate-window leaves SLO rules alone", base: sloBase,
			extra: "stack: prometheus: scrapeInterval: \"2m\"\nworkloads: resnet: inference: errorRate: window: \"10m\"\nworkloads: resnet: inference: latency: window: \"10m\"\nworkloads: trainer: training: restarts: window: \"10m\"\nslos: a: {workload: \"resnet\", objective: 99.9, sli: availability: {}}\n",
			want:  []string{`x.cue:5:7: the short window 5m of SLO a (page) spans fewer than 4 scrapes (scrape interval 2m): use a window of at least 8m`},
		},
	})
	if got := runCheck(t, "rules/rate-window", sloBase, "stack: prometheus: scrapeInterval: \"2m\"\nworkloads: resnet: inference: errorRate: window: \"10m\"\nworkloads: resnet: inference: latency: window: \"10m\"\nworkloads: trainer: training: restarts: window: \"10m\"\nslos: a: {workload: \"resnet\", objective: 99.9, sli: availability: {}}\n"); len(got) != 0 {
		t.Errorf("rules/rate-window reports SLO rules: %q", got)
	}
}
