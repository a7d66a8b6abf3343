package ruletests

import (
	"path/filepath"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// Every alert of every example (and, in the tests of the presets, the
// controllers and the SLOs, of every preset, controller and SLI) has a
// generated unit test. This was the check rules/test-coverage, which no
// spec could make fire: it held the generator, not the user's spec.
func TestEveryExampleAlertCovered(t *testing.T) {
	dirs, err := filepath.Glob("../../examples/*/*.cue")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no example specs found: %v", err)
	}
	seen := map[string]bool{}
	for _, f := range dirs {
		dir := filepath.Dir(f)
		if seen[dir] {
			continue
		}
		seen[dir] = true
		t.Run(filepath.Base(dir), func(t *testing.T) {
			s := modeltest.Dir(t, dir)
			if u := UncoveredAlerts(s); len(u) > 0 {
				t.Errorf("alerts without tests: %v", u)
			}
			if len(s.Workloads) == 0 {
				t.Fatal("example without workloads: the test says nothing")
			}
		})
	}
	if len(seen) < 4 {
		t.Errorf("%d example directories, want at least the 4 bundled ones", len(seen))
	}
}
