package checks

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

const docPath = "../../docs/checks.md"

// TestChecksDoc keeps docs/checks.md in step with the checks: one line each.
// DATAOPSGEN_UPDATE=1 rewrites it.
func TestChecksDoc(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Checks\n\nEvery `dataopsgen build` and `vet` runs all of them; each problem is printed as\n`file:line:col: check: message`, pointing at the spec. Generated from the code\n(`DATAOPSGEN_UPDATE=1 go test ./internal/checks/`).\n\n")
	b.WriteString("| check | what it catches |\n|---|---|\n")
	b.WriteString("| `cue` | the spec against the schema: types, bounds, names, unknown and missing fields |\n")
	b.WriteString("| `spec/literal-secret` | a credential written as a literal instead of a Secret reference |\n")
	b.WriteString("| `spec/receiver` | a route naming a receiver that does not exist; a receiver without integration |\n")
	b.WriteString("| `spec/route` | a route that does not do what it says: `continue: true` on the last route (Alertmanager does not fall back to `alerting.route.receiver` once a route matched), a route after a catch-all route that stops |\n")
	b.WriteString("| `spec/server` | what an inference workload asks that its server's preset cannot give: a percentile of counter-shaped latency (Triton, TorchServe), an alert on a signal the server does not export (errors, TTFT, TPOT, queue, KV cache), custom metric names or models where the server has none, settings of an alert that is off, a histogram threshold outside the server's buckets; a server without an error signal is a note |\n")
	seen := map[string]bool{}
	for _, c := range All() {
		if c.Name == "" || c.Doc == "" {
			t.Errorf("check %q has no name or doc", c.Name)
		}
		if seen[c.Name] {
			t.Errorf("two checks named %q", c.Name)
		}
		seen[c.Name] = true
		fmt.Fprintf(&b, "| `%s` | %s |\n", c.Name, c.Doc)
	}
	want := b.String()
	if os.Getenv("DATAOPSGEN_UPDATE") == "1" {
		if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, _ := os.ReadFile(docPath)
	if string(got) != want {
		t.Errorf("docs/checks.md is stale; DATAOPSGEN_UPDATE=1 go test ./internal/checks/ rewrites it")
	}
}
