package checks_test

import "testing"

// TestSLOInhibition: with the generated Alertmanager configuration (the
// chart's inhibit rules kept), only an SLO's own page holds its ticket; a
// tier whose severity lets the chart's rules hold it behind another SLO's
// alert of the same name, namespace and workload is refused.
func TestSLOInhibition(t *testing.T) {
	runCases(t, "slo/inhibition", []checkCase{
		{name: "one severity per tier; other workloads", base: sloBase, extra: `slos: {
	a: {workload: "resnet", objective: 99.9, sli: availability: {}}
	b: {workload: "resnet", objective: 99, sli: latency: {threshold: "250ms", buckets: [0.25]}}
	c: {workload: "trainer", objective: 99, sli: boolGauge: selector: "up", alerting: ticket: severity: "info"}
}`},
		{
			name: "an info ticket beside a warning one of the same workload", base: sloBase,
			extra: "slos: {\n\ta: {workload: \"resnet\", objective: 99.9, sli: availability: {}}\n" +
				"\tb: {workload: \"resnet\", objective: 99, sli: latency: {threshold: \"250ms\", buckets: [0.25]}, alerting: ticket: severity: \"info\"}\n}\n",
			want: []string{`x.cue:3:112: SLO b's ticket (severity info) is silenced by Alertmanager whenever SLO a's ticket (severity warning) fires: ` +
				`the inhibit rule {source_matchers: {severity="warning"}, target_matchers: {severity="info"}, equal: [namespace, alertname, workload]} holds ` +
				`an alert while a source with the same namespace, alertname, workload fires, and both alerts have namespace="ml", alertname="SLOErrorBudgetBurnTicket", workload="resnet"; ` +
				`give them the same severity`},
		},
		{
			name: "workload-less SLOs: a warning page beside a critical one", base: sloBase,
			extra: "slos: {\n\ta: {objective: 99, sli: boolGauge: selector: \"up\"}\n" +
				"\tb: {objective: 99, sli: boolGauge: selector: \"up{job=\\\"x\\\"}\", alerting: page: severity: \"warning\"}\n}\n",
			want: []string{`x.cue:3:80: SLO b's page (severity warning) is silenced by Alertmanager whenever SLO a's page (severity critical) fires: ` +
				`the inhibit rule {source_matchers: {severity="critical"}, target_matchers: {severity=~"warning|info"}, equal: [namespace, alertname, workload]} holds ` +
				`an alert while a source with the same namespace, alertname, workload fires, and both alerts have namespace="", alertname="SLOErrorBudgetBurnPage", workload=""; ` +
				`give them the same severity`},
		},
	})
}
