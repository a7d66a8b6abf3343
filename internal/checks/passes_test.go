package checks_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/generators/scrape"
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

// TestPassesMatchReference: a check with remembered passes reports what
// it reports without them (nil Passes, the reference), on a clean overlay
// and after each edit, with the passes of the clean overlay remembered: a
// file whose bytes changed is checked again, a file that lost its typed
// value is reported though its bytes passed before, and a typed value that
// changed under the same bytes (both checks compare the bytes with it) is
// compared again.
func TestPassesMatchReference(t *testing.T) {
	base := famInput(t, famBase)
	for _, c := range []struct {
		check string
		edits map[string]func(*testing.T, *checks.Input) *checks.Input
	}{
		{"rules/parse", map[string]func(*testing.T, *checks.Input) *checks.Input{
			"bad PromQL":     bytesEdit("> 0.5\n", "> > 0.5\n"),
			"bad duration":   bytesEdit("for: 5m", "for: 5 minutes"),
			"no typed rules": famUntypedEdit(famRuleFile),
			"encoder bug":    famEncoderBug(famRuleFile, "> 0.5\n", "> 0.6\n"),
			"typed rules differ": typedEdit(func(o *rules.Object) {
				resnetGroup(o).Rules[1].Expr.StrVal = "1 > 0"
			}),
		}},
		{"scrape/config", map[string]func(*testing.T, *checks.Input) *checks.Input{
			"bad action":        famEditCase(famScrape, "action: keep", "action: keeep"),
			"encoder bug":       famEncoderBug(famScrape, "  metrics_path: /metrics\n", "  metrics_path: /metrix\n"),
			"typed jobs differ": scrapeTypedEdit(func(c *scrape.Config) { c.MetricsPath = "/metrix" }),
			"no typed jobs":     famUntypedEdit(famScrape),
		}},
	} {
		t.Run(c.check, func(t *testing.T) {
			passes := &memPasses{passed: map[string]bool{}}
			withPasses := func(in *checks.Input) diag.List {
				fresh := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files), Passes: passes}
				return famCheck(t, c.check).Run(fresh).Sorted()
			}
			if got := withPasses(base); got != nil {
				t.Fatalf("clean overlay: %v", got)
			}
			if len(passes.passed) == 0 {
				t.Fatalf("%s remembered no pass on a clean overlay", c.check)
			}
			before := passes.hits
			if got := withPasses(base); got != nil {
				t.Fatalf("clean overlay, second build: %v", got)
			}
			if passes.hits == before {
				t.Fatal("the second build of the same overlay checked every file again")
			}
			for name, edit := range c.edits {
				t.Run(name, func(t *testing.T) {
					in := edit(t, base)
					want := famRun(t, c.check, in)
					if want == nil {
						t.Fatalf("the edit makes %s report nothing: it tests nothing", c.check)
					}
					if got := withPasses(in); famText(got) != famText(want) {
						t.Errorf("with the clean overlay's passes:\n%s\nwithout:\n%s", famText(got), famText(want))
					}
				})
			}
		})
	}
}

// scrapeTypedEdit returns a copy of in whose typed scrape jobs (not the
// bytes) have the first job changed by edit: the generator and its bytes
// disagree.
func scrapeTypedEdit(edit func(*scrape.Config)) func(*testing.T, *checks.Input) *checks.Input {
	return func(t *testing.T, in *checks.Input) *checks.Input {
		t.Helper()
		out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
		f := famFile(t, out, famScrape)
		jobs, ok := f.Value.(*scrape.Jobs)
		if !ok || len(jobs.Configs) == 0 {
			t.Fatalf("%s has no typed jobs", f.Path)
		}
		c := *jobs
		c.Configs = slices.Clone(jobs.Configs)
		edit(&c.Configs[0])
		f.Value = &c
		return out
	}
}
