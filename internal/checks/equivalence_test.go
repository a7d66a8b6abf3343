package checks_test

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/load/loadtest"
	"github.com/dataopsgen/dataopsgen/internal/model"
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
// report; and checks.Run (which lets go of each view after its last
// reader) reports what the checks run one by one on one Input do, there
// and on the CLI corpus's specs that reach the checks.
func TestLinearChecksEquivalent(t *testing.T) {
	in := mutateRules(t, synthInput(t, 100))
	sameDiags(t, "rules/parse", famCheck(t, "rules/parse").Run(fresh(in)), checks.RulesParseReference(fresh(in)))
	sameDiags(t, "spec/escaping (rules)", checks.EscRules(fresh(in)), checks.EscRulesReference(fresh(in)))
	sameDiags(t, "spec/escaping (scrape)", checks.EscScrape(fresh(in)), checks.EscScrapeReference(fresh(in)))
	inputs := corpusInputs(t)
	inputs["synthetic, broken"] = in
	for _, name := range slices.Sorted(maps.Keys(inputs)) {
		var seq diag.List
		seqIn := fresh(inputs[name])
		for _, c := range checks.All() {
			seq = append(seq, c.Run(seqIn)...)
		}
		sameDiags(t, "checks.Run on "+name, checks.Run(fresh(inputs[name])), seq)
	}
}

// TestRunRunsEveryCheck: checks.Run runs each check once, in All's order
// (TestLinearChecksEquivalent cannot see a check lost that reports
// nothing on its inputs).
func TestRunRunsEveryCheck(t *testing.T) {
	var ran, want []string
	var wrapped []checks.Check
	for _, c := range checks.All() {
		want = append(want, c.Name)
		run := c.Run
		c.Run = func(in *checks.Input) diag.List {
			ran = append(ran, c.Name)
			return run(in)
		}
		wrapped = append(wrapped, c)
	}
	checks.RunAll(synthInput(t, 10), wrapped)
	if !slices.Equal(ran, want) {
		t.Errorf("ran %v\nwant %v", ran, want)
	}
}

// corpusInputs are the generated overlays of the CLI corpus's specs that
// load and decode, by file name.
func corpusInputs(t *testing.T) map[string]*checks.Input {
	t.Helper()
	out := map[string]*checks.Input{}
	for path, files := range loadtest.Corpus(t) {
		name := filepath.Base(path)
		res, diags := load.Files(files)
		if diags != nil {
			continue
		}
		s, diags := model.Decode(res)
		if diags != nil {
			continue
		}
		gen, err := build.Generate(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = &checks.Input{Spec: s, Files: gen}
	}
	return out
}
