package checks_test

import "testing"

func TestSLOBucketBoundary(t *testing.T) {
	const buckets = `buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]`
	runCases(t, "slo/bucket-boundary", []checkCase{
		{name: "on a bound", base: sloBase, extra: "slos: a: {workload: \"resnet\", objective: 99, sli: latency: {threshold: \"250ms\", " + buckets + "}}\n"},
		{
			name: "between two bounds", base: sloBase,
			extra: "slos: a: {workload: \"resnet\", objective: 99, sli: latency: {threshold: \"300ms\", " + buckets + "}}\n",
			want:  []string{`x.cue:1:61: threshold 300ms (0.3 s) is not a bucket bound of histogram inference_request_duration_seconds (buckets from slos.a.sli.latency.buckets: 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10): requests are counted good by the bucket le=threshold, so this SLI would measure nothing between 0.25s and 0.5s; use one of those`},
		},
		{
			name: "milliseconds: 500ms is bound 500", base: sloBase,
			extra: "slos: a: {objective: 99, sli: latency: {threshold: \"500ms\", metric: \"serve_latency_ms\", unit: \"ms\", buckets: [100, 500, 1000]}}\n",
		},
		{
			name: "buckets not declared", base: sloBase,
			extra: "slos: a: {workload: \"resnet\", objective: 99, sli: latency: threshold: \"250ms\"}\n",
			want:  []string{`x.cue:1:51: the bucket bounds of histogram inference_request_duration_seconds are not known: list them in sli.latency.buckets (in s, as the application exports them), so that the threshold 250ms can be checked against them`},
		},
	})
}
