package checks_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// memPasses is a Passes in memory that counts what it is asked.
type memPasses struct {
	mu     sync.Mutex
	passed map[string]bool
	hits   int
}

func key(check string, data []byte) string { return check + "\x00" + string(data) }

func (m *memPasses) Passed(check string, data []byte) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	ok := m.passed[key(check, data)]
	if ok {
		m.hits++
	}
	return ok
}

func (m *memPasses) Pass(check string, data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.passed[key(check, data)] = true
}

// TestRulesParsePassesMatchReference: rules/parse with remembered passes
// reports what it reports without them (nil Passes, the reference), on a
// clean overlay and after each edit, with the passes of the clean overlay
// remembered: a file whose bytes changed is parsed again, and a file that
// lost its typed rules is reported though its bytes passed before.
func TestRulesParsePassesMatchReference(t *testing.T) {
	base := famInput(t, famBase)
	passes := &memPasses{passed: map[string]bool{}}
	withPasses := func(in *checks.Input) diag.List {
		fresh := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files), Passes: passes}
		return famCheck(t, "rules/parse").Run(fresh).Sorted()
	}
	if got := withPasses(base); got != nil {
		t.Fatalf("clean overlay: %v", got)
	}
	if len(passes.passed) == 0 {
		t.Fatal("rules/parse remembered no pass on a clean overlay")
	}
	before := passes.hits
	if got := withPasses(base); got != nil {
		t.Fatalf("clean overlay, second build: %v", got)
	}
	if passes.hits == before {
		t.Fatal("the second build of the same overlay parsed every file again")
	}
	noTyped := func(t *testing.T, in *checks.Input) *checks.Input {
		out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
		famFile(t, out, famRuleFile).Value = nil
		return out
	}
	for name, edit := range map[string]func(*testing.T, *checks.Input) *checks.Input{
		"bad PromQL":     bytesEdit("> 0.5\n", "> > 0.5\n"),
		"bad duration":   bytesEdit("for: 5m", "for: 5 minutes"),
		"no typed rules": noTyped,
	} {
		t.Run(name, func(t *testing.T) {
			in := edit(t, base)
			want := famRun(t, "rules/parse", in)
			if want == nil {
				t.Fatal("the edit makes rules/parse report nothing: it tests nothing")
			}
			if got := withPasses(in); famText(got) != famText(want) {
				t.Errorf("with the clean overlay's passes:\n%s\nwithout:\n%s", famText(got), famText(want))
			}
		})
	}
}
