package checks_test

import "testing"

// TestSLOProvenance: an SLO whose SLI reads a metric no declared source
// exports, or labels it does not carry, is refused once per selector, at
// the field that gives it.
func TestSLOProvenance(t *testing.T) {
	runCases(t, "slo/provenance", []checkCase{
		{name: "declared metrics", base: sloBase, extra: `slos: {
	a: {workload: "resnet", objective: 99, sli: ratio: {errors: "inference_requests_total{status=\"error\"}", total: "inference_requests_total"}}
	b: {workload: "resnet", objective: 99, sli: availability: {}}
	c: {workload: "trainer", objective: 99, sli: boolGauge: selector: "up"}
}`},
		{
			name: "a typo in a ratio's selector", base: sloBase,
			extra: "slos: a: {workload: \"resnet\", objective: 99, sli: ratio: {\n\terrors: \"inference_request_total{status=\\\"error\\\"}\"\n\ttotal: \"inference_requests_total{code=\\\"500\\\"}\"\n}}\n",
			want: []string{
				`x.cue:2:2: SLO a: inference_request_total{status="error", namespace="ml", workload="resnet"} reads metric inference_request_total, which no declared source exports; did you mean inference_requests_total, declared by workload resnet? (if an application exports it, declare it in workloads.<name>.metrics.exported)`,
				`x.cue:3:2: SLO a: label code is not on metric inference_requests_total (its labels: app_kubernetes_io_component, container, instance, job, model_name, namespace, pod, status, workload)` + "; a workload's series carry its target labels (job, instance, namespace, pod, container, workload, one per selector key) and the labels it declares in workloads.<name>.metrics.appLabels",
			},
		},
		{
			name: "a workload-less SLO over an undeclared metric", base: sloBase,
			extra: "slos: a: {objective: 99, sli: boolGauge: selector: \"job_progressing\"}\n",
			want:  []string{`x.cue:1:42: SLO a: job_progressing reads metric job_progressing, which no declared source exports; if an application exports it, declare it in workloads.<name>.metrics.exported`},
		},
	})
	// provenance/metric leaves the SLO rules to it.
	if got := runCheck(t, "provenance/metric", sloBase, "slos: a: {objective: 99, sli: boolGauge: selector: \"job_progressing\"}\n"); len(got) != 0 {
		t.Errorf("provenance/metric reports SLO rules: %q", got)
	}
}
