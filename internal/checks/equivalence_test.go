package checks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// synthInput is the generated overlay of the synthetic spec of n workloads.
func synthInput(t testing.TB, n int) *checks.Input {
	t.Helper()
	s := modeltest.Synthetic(t, n)
	out, err := build.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	return &checks.Input{Spec: s, Files: out}
}

// mutateRules breaks the rule files the way generator bugs would: PromQL,
// durations, templates, escaping and labels, each in a different file.
func mutateRules(t *testing.T, in *checks.Input) *checks.Input {
	t.Helper()
	out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
	edits := [][2]string{
		{`> 0.05`, `> > 0.05`},
		{`for: 5m`, `for: 5x`},
		{`is crash-looping`, `is crash-looping {{ $labels.pod`},
		{`model_name=~"`, `model_name=~".*|`},
		{`team: ml-platform`, `team: someone-else`},
		{`namespace="`, `namespace=~"x|`},
	}
	n := 0
	for i := range out.Files {
		f := &out.Files[i]
		if !strings.HasPrefix(f.Path, rules.Dir) || n == len(edits) {
			continue
		}
		if e := edits[n]; strings.Contains(string(f.Data), e[0]) {
			f.Data = []byte(strings.ReplaceAll(string(f.Data), e[0], e[1]))
			if err := checks.RetypeRules(f); err != nil {
				t.Fatalf("%s: %v", f.Path, err)
			}
			n++
		}
	}
	if n < len(edits) {
		t.Fatalf("only %d of %d edits applied", n, len(edits))
	}
	// Scrape jobs that keep near misses and set a wrong workload label
	// (Prometheus still loads them).
	for i := range out.Files {
		if f := &out.Files[i]; f.Path == scrape.Path {
			d := strings.Replace(string(f.Data), "regex: true;", "regex: true;.*|", 1)
			d = strings.Replace(d, "replacement: ", "replacement: x", 1)
			if d == string(f.Data) {
				t.Fatal("scrape edits not applied")
			}
			f.Data = []byte(d)
			if err := checks.RetypeOverlay(f); err != nil {
				t.Fatalf("%s: %v", f.Path, err)
			}
		}
	}
	return out
}

func fresh(in *checks.Input) *checks.Input {
	return &checks.Input{Spec: in.Spec, Files: in.Files}
}

func sameDiags(t *testing.T, what string, got, want diag.List) {
	t.Helper()
	got, want = got.Sorted(), want.Sorted()
	if len(want) == 0 {
		t.Fatalf("%s: the mutations produce no diagnostic: the comparison proves nothing", what)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s differs from the reference: got %d diagnostics, want %d", what, len(got), len(want))
		for i := range max(len(got), len(want)) {
			var g, w string
			if i < len(got) {
				g = got[i].String()
			}
			if i < len(want) {
				w = want[i].String()
			}
			if g != w {
				t.Errorf("first difference at %d:\ngot  %s\nwant %s", i, g, w)
				break
			}
		}
	}
}

// TestLinearChecksEquivalent: on a broken synthetic overlay of 100
// workloads, rules/parse (one rulefmt.Parse per object) and spec/escaping's
// rule part (indexed) report exactly what their quadratic predecessors
// report, and checks.Run (which lets go of each view after its last
// reader) what the checks run one by one on one Input do.
func TestLinearChecksEquivalent(t *testing.T) {
	in := mutateRules(t, synthInput(t, 100))
	sameDiags(t, "rules/parse", famCheck(t, "rules/parse").Run(fresh(in)), checks.RulesParseReference(fresh(in)))
	sameDiags(t, "spec/escaping (rules)", checks.EscRules(fresh(in)), checks.EscRulesReference(fresh(in)))
	sameDiags(t, "spec/escaping (scrape)", checks.EscScrape(fresh(in)), checks.EscScrapeReference(fresh(in)))
	var seq diag.List
	seqIn := fresh(in)
	for _, c := range checks.All() {
		seq = append(seq, c.Run(seqIn)...)
	}
	sameDiags(t, "checks.Run", checks.Run(fresh(in)), seq)
}
