package promunit_test

import (
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// sloCases are the generated tests of SLOs of every SLI kind and shape
// (their alerts read recording rules), intact and with their rules broken,
// and the edge rules of the step cache.
func sloCases(t *testing.T) []tcase {
	t.Helper()
	spec := modeltest.Inline(t, `
stack: prometheus: retention: "30d"
workloads: {
	chat: {kind: "inference", namespace: "serving", inference: models: ["llama", "mistral"]}
	trainer: {kind: "training", namespace: "ml"}
	vision: {kind: "inference", namespace: "cv", inference: {server: "triton", models: ["resnet50"]}}
}
slos: {
	// A sum of counters (Triton's success + failure) and a preset's model label.
	"vision-avail": {workload: "vision", objective: 99.5, sli: availability: {}}
	avail: {workload: "chat", objective: 99.9, sli: availability: {}}
	latency: {workload: "chat", objective: 99, window: "28d", sli: latency: {threshold: "250ms", buckets: [0.25]}
		alerting: page: for: "2m"}
	scrapes: {workload: "trainer", objective: 99, sli: boolGauge: selector: "up", alerting: ticket: enabled: false}
}`)
	gen, err := ruletests.New().Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	rulesOf := map[string]string{}
	for _, f := range gen {
		if strings.HasPrefix(f.Path, ruletests.Dir+"/rules/slo.") {
			rulesOf[strings.TrimSuffix(strings.TrimPrefix(f.Path, ruletests.Dir+"/rules/"), ".rules.yaml")] = string(f.Data)
		}
	}
	breaks := map[string]func(string) string{
		"intact":          func(s string) string { return s },
		"factor":          func(s string) string { return strings.ReplaceAll(s, "> 14.4", "> 16") },
		"short window":    func(s string) string { return strings.ReplaceAll(s, "ratio_rate5m{", "ratio_rate30m{") },
		"record labels":   func(s string) string { return strings.Replace(s, "slo: avail\n", "slo: avail-x\n", 1) },
		"budget":          func(s string) string { return strings.ReplaceAll(s, "/ 0.001", "/ 0.0011") },
		"error matcher":   func(s string) string { return strings.ReplaceAll(s, `, status="error"`, "") },
		"stale: 5m empty": func(s string) string { return strings.ReplaceAll(s, "[5m]", "[1m]") },
	}
	var cases []tcase
	for _, f := range gen {
		if !strings.HasPrefix(f.Path, ruletests.Dir+"/slo.") || !strings.HasSuffix(f.Path, ".test.yaml") {
			continue
		}
		tf, err := promunit.Parse(f.Path, f.Data)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(f.Path, ruletests.Dir+"/"), ".test.yaml"), ".long")
		for name, br := range breaks {
			g, err := promunit.ParseRules("rules", []byte(br(rulesOf[base])))
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, tcase{f.Path + "/" + name, tf, g})
		}
	}
	return append(cases, precomputeEdges(t)...)
}

// TestDerivedRecordsMatchLive: the step cache answering the rules that
// read recording rules from their materialized series gives exactly the
// failures of evaluating them live, and of evaluating everything live, on
// the SLO tests (their alerts read the error-ratio records) intact and
// broken, and the cache's edge rules.
func TestDerivedRecordsMatchLive(t *testing.T) {
	cases := sloCases(t)
	sameFailures(t, cases, "derived", "live records", toggled(deriveRecords))
	sameFailures(t, cases, "cached", "live", toggled(precompute))
}
