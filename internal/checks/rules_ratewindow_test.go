package checks_test

import (
	"testing"
)

func TestRulesRateWindow(t *testing.T) {
	runCases(t, "rules/rate-window", []checkCase{
		{name: "example spec", extra: ``},
		{
			name:  "seed: too short a window",
			extra: rule(`{alert: "A", expr: "rate(inference_requests_total[1m]) > 1"}`),
			want:  []string{`x.cue:2:1: alert A: rate() over [1m] spans fewer than 4 scrapes (scrape interval 30s): use a window of at least 2m`},
		},
		{
			name:  "every range function, subqueries left alone",
			extra: rule(`{record: "a:b", expr: "max_over_time(up[90s]) + changes(up[1m]) + irate(up[2m]) + max_over_time(rate(up[2m])[1m:10s])"}`),
			want: []string{
				`x.cue:2:1: recording rule a:b: changes() over [1m] spans fewer than 4 scrapes (scrape interval 30s): use a window of at least 2m`,
				`x.cue:2:1: recording rule a:b: max_over_time() over [1m30s] spans fewer than 4 scrapes (scrape interval 30s): use a window of at least 2m`,
			},
		},
		{
			name:  "generated alert: at the workload's window",
			extra: "stack: prometheus: scrapeInterval: \"2m\"\nworkloads: resnet: inference: latency: window: \"10m\"\n",
			want: []string{
				`base.cue:6:3: alert InferenceErrorRateHigh: rate() over [5m] spans fewer than 4 scrapes (scrape interval 2m): use a window of at least 8m`,
				`base.cue:12:3: alert TrainingPodCrashLooping: increase() over [5m] spans fewer than 4 scrapes (scrape interval 2m): use a window of at least 8m`,
			},
		},
		{
			name:  "generated alert: the window the user wrote",
			extra: "workloads: resnet: inference: latency: window:\n\t\"1m\"\n",
			want:  []string{`x.cue:1:40: alert HighInferenceLatency: rate() over [1m] spans fewer than 4 scrapes (scrape interval 30s): use a window of at least 2m`},
		},
	})
}
