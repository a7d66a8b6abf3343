package dashboards_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/presets/servers"
)

// presetSpec is a spec of n inference workloads on every server preset in
// turn (a third with another TTFT percentile), over eight namespaces.
func presetSpec(n int) string {
	var b strings.Builder
	b.WriteString("workloads: {\n")
	names := servers.Names()
	for i := range n {
		server := names[i%len(names)]
		models := fmt.Sprintf(`models: ["model-%d", "model-%d-b"], `, i, i)
		if p := servers.ByName(server); p != nil && p.ModelLabel == "" {
			models = ""
		}
		ttft := ""
		if p := servers.ByName(server); p != nil && p.TTFT != nil && i%3 == 0 {
			ttft = `ttft: quantile: 0.99, `
		}
		fmt.Fprintf(&b, "\t\"w-%d\": {kind: \"inference\", namespace: \"ns-%d\", inference: {server: %q, %s%s}}\n", i, i%8, server, models, ttft)
	}
	b.WriteString("}\n")
	return b.String()
}

// With 1,000 workloads on every preset, the overview (with its inference
// and LLM rows) stays far under the sidecar's 1 MiB ConfigMap limit: its
// panels are per group of workloads with one server and percentile, not
// per workload; wiring/dashboard-sidecar, which renders the ConfigMap and
// compares it with the limit, passes.
func TestPresetsScale(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a spec of 1,000 workloads")
	}
	s := modeltest.Inline(t, presetSpec(1000))
	size := dashboardSize(t, s)
	t.Logf("dashboard of 1,000 workloads on %d presets: %d bytes", len(servers.Names()), size)
	if size > 256<<10 {
		t.Errorf("dashboard of 1,000 preset workloads: %d bytes, want < 256 KiB", size)
	}
	files, err := build.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	in := &checks.Input{Spec: s, Files: files}
	for _, c := range checks.All() {
		if c.Name == "wiring/dashboard-sidecar" {
			if d := c.Run(in); len(d) > 0 {
				t.Errorf("wiring/dashboard-sidecar: %v", d.Err())
			}
		}
	}
}
