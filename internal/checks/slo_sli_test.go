package checks_test

import "testing"

func TestSLOSLI(t *testing.T) {
	runCases(t, "slo/sli", []checkCase{
		{name: "availability and ratio compile", base: sloBase, extra: `slos: {
	a: {workload: "resnet", objective: 99.9, sli: availability: {}}
	b: {objective: 99, sli: ratio: {errors: "inference_requests_total{status=\"error\"}", total: "inference_requests_total"}}
	c: {workload: "trainer", objective: 99, sli: boolGauge: selector: "up"}
}`},
		{
			name: "unknown workload, with a suggestion", base: sloBase,
			extra: "slos: a: {workload: \"resent\", objective: 99.9, sli: availability: {}}\n",
			want:  []string{`x.cue:1:11: no workload "resent" in workloads; did you mean "resnet"?`},
		},
		{
			name: "two SLI kinds", base: sloBase,
			extra: "slos: a: {workload: \"resnet\", objective: 99.9, sli: {availability: {}, boolGauge: selector: \"up\"}}\n",
			want:  []string{`x.cue:1:48: set exactly one SLI kind (availability, latency, ratio or boolGauge); this SLO sets availability and boolGauge`},
		},
		{
			name: "availability without a workload, on a training workload", base: sloBase,
			extra: "slos: {\n\ta: {objective: 99.9, sli: availability: {}}\n\tb: {workload: \"trainer\", objective: 99.9, sli: availability: {}}\n}\n",
			want: []string{
				`x.cue:2:28: an availability SLI reads a workload's metrics: set slos.a.workload (or use a ratio SLI with your own selectors)`,
				`x.cue:3:49: workload trainer is a training workload: only inference workloads export request counters and latency histograms; use a ratio or boolGauge SLI`,
			},
		},
		{
			name: "a model the workload does not serve", base: sloBase,
			extra: "slos: a: {workload: \"resnet\", objective: 99.9, sli: availability: models: [\"bert\"]}\n",
			want:  []string{`x.cue:1:67: model "bert" is not one workload resnet serves (resnet50)`},
		},
		{
			name: "ratio: not a selector, both numerators", base: sloBase,
			extra: "slos: {\n\ta: {objective: 99, sli: ratio: {errors: \"sum(rate(x[5m]))\", total: \"y offset 1h\"}}\n\tb: {objective: 99, sli: ratio: {errors: \"x\", good: \"y\", total: \"z\"}}\n}\n",
			want: []string{
				`x.cue:2:34: "sum(rate(x[5m]))" is not a series selector (a metric name and {label matchers}, no function or operator)`,
				`x.cue:2:62: "y offset 1h": offset and @ are not allowed: the SLO's windows decide what is read`,
				`x.cue:3:26: set exactly one of errors (bad events) and good`,
			},
		},
		{
			name: "window pairs: short not shorter, long beyond the compliance window", base: sloBase,
			extra: "slos: a: {workload: \"resnet\", objective: 99.9, window: \"7d\", sli: availability: {}\n" +
				"\talerting: page: windows: [{long: \"1h\", short: \"1h\", budgetPercent: 2}]\n" +
				"\talerting: ticket: windows: [{long: \"8d\", short: \"6h\", budgetPercent: 10}]\n}\n",
			want: []string{
				`x.cue:2:41: the short window (1h) must be shorter than the long one (1h): it is what stops the alert soon after the burn stops`,
				`x.cue:3:31: the long window (8d) is longer than the compliance window (1w)`,
			},
		},
	})
}

func TestSLOSLIStreams(t *testing.T) {
	runCases(t, "slo/sli", []checkCase{
		{
			name: "errors read series total does not", base: sloBase,
			extra: "slos: a: {objective: 99, sli: ratio: {errors: \"http_requests_total{code=~\\\"5..\\\"}\", total: \"http_requests_total{job=\\\"api\\\"}\"}}\n",
			want:  []string{`x.cue:1:31: errors http_requests_total{code=~"5.."} reads series total http_requests_total{job="api"} does not (such as one with job="x"): every error event must be one of total's; add job="api" to errors`},
		},
		{
			name: "errors are all of total", base: sloBase,
			extra: "slos: a: {objective: 99, sli: ratio: {errors: \"http_requests_total{job=\\\"api\\\"}\", total: \"http_requests_total{job=~\\\"api\\\"}\"}}\n",
			want:  []string{`x.cue:1:31: every series total http_requests_total{job=~"api"} reads is also read by errors http_requests_total{job="api"}: it must pick out some of them`},
		},
	})
}

func TestSLOSLILabels(t *testing.T) {
	runCases(t, "slo/sli", []checkCase{
		{
			name: "extra labels, and the SLO's own", base: sloBase,
			extra: "slos: a: {workload: \"resnet\", objective: 99.9, sli: availability: {}\n\tlabels: {owner: \"me\", slo: \"x\"}\n\talerting: page: labels: {routing_key: \"k\", severity: \"p\"}\n}\n",
			want: []string{
				"x.cue:2:24: label slo is the SLO's own: set it with the SLO's fields, not as an extra label",
				"x.cue:3:45: label severity is the SLO's own: set it with the SLO's fields, not as an extra label",
			},
		},
	})
}
