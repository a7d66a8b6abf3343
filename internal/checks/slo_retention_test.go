package checks_test

import "testing"

func TestSLOWindowRetention(t *testing.T) {
	const sloA = "slos: a: {workload: \"resnet\", objective: 99.9, sli: availability: {}}\n"
	runCases(t, "slo/window-retention", []checkCase{
		{name: "30d in 30d", base: sloBase, extra: sloA},
		{
			name: "default 30d window, default 15d retention", extra: sloA,
			want: []string{`x.cue:1:7: SLO a counts its budget over 30d but Prometheus keeps 15d of samples (stack.prometheus.retention): raise the retention to at least 30d, or shorten the window`},
		},
		{
			name: "the window written", extra: "slos: a: {workload: \"resnet\", objective: 99.9, window: \"28d\", sli: availability: {}}\n",
			want: []string{`x.cue:1:48: SLO a counts its budget over 28d but Prometheus keeps 15d of samples (stack.prometheus.retention): raise the retention to at least 28d, or shorten the window`},
		},
	})
}
