package dcgm

import (
	"slices"
	"strings"
	"testing"
)

// The collectors CSV has dcgm-exporter's format (internal/pkg/counters of
// NVIDIA/dcgm-exporter: "field, type, help", '#' comments), each field
// once, of a type it knows, and every field an alert or panel reads.
func TestCSV(t *testing.T) {
	seen := map[string]bool{}
	for line := range strings.Lines(CSV()) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, ",", 3)
		if len(f) != 3 {
			t.Errorf("%q: not three fields", line)
			continue
		}
		field, typ := strings.TrimSpace(f[0]), strings.TrimSpace(f[1])
		if !strings.HasPrefix(field, "DCGM_FI_") || seen[field] {
			t.Errorf("%q: bad or repeated field", line)
		}
		seen[field] = true
		if !slices.Contains([]string{"gauge", "counter", "label"}, typ) {
			t.Errorf("%q: type %q", line, typ)
		}
	}
	for _, f := range []string{GPUUtil, FBUsed, GPUTemp, XIDErrors, ThermalViolation, PowerViolation, ECCDBEVolatile, UncorrectableRemapped, RowRemapFailure} {
		if !seen[f] || !Enabled(f) {
			t.Errorf("%s is read but not collected", f)
		}
	}
	if len(seen) != len(Counters) {
		t.Errorf("%d lines, %d counters", len(seen), len(Counters))
	}
}
