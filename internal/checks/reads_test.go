package checks_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestReadsDeclared: each check, run alone on the examples and on a
// synthetic spec (sound, and broken as generator bugs would break it),
// reads only the views the checks' reads table declares for it (else Run
// could let go of a view a check still reads, which would then be computed
// again), and each declared view is read on one of them (else Run would
// hold it longer than needed).
func TestReadsDeclared(t *testing.T) {
	inputs := map[string]*checks.Input{}
	for dir, s := range modeltest.Examples(t) {
		files, err := build.Generate(s)
		if err != nil {
			t.Fatal(err)
		}
		inputs[dir] = &checks.Input{Spec: s, Files: files}
	}
	// wiring/rule-selector reads the namespaces' labels only for a
	// namespace selector that is not empty.
	inputs["dataops, namespace selector"] = famEdit(t, inputs["dataops"], famValues,
		"ruleNamespaceSelector: {}", "ruleNamespaceSelector:\n      matchLabels:\n        monitoring: \"true\"")
	inputs["synthetic"] = synthInput(t, 60)
	inputs["synthetic, broken"] = mutateRules(t, synthInput(t, 60))
	used := map[string]map[string]bool{}
	for _, c := range checks.All() {
		used[c.Name] = map[string]bool{}
		declared := checks.DeclaredReads(c.Name)
		for name, in := range inputs {
			in := fresh(in)
			read := checks.RecordReads(in)
			c.Run(in)
			for _, v := range read() {
				used[c.Name][v] = true
				if !slices.Contains(declared, v) {
					t.Errorf("%s reads view %s on %s, not declared", c.Name, v, name)
				}
			}
		}
		for _, v := range declared {
			if !used[c.Name][v] {
				t.Errorf("%s declares view %s, read on none of the specs", c.Name, v)
			}
		}
	}
	if t.Failed() {
		var b strings.Builder
		for _, c := range checks.All() {
			var vs []string
			for v := range used[c.Name] {
				vs = append(vs, "view"+strings.ToUpper(v[:1])+v[1:])
			}
			slices.Sort(vs)
			fmt.Fprintf(&b, "\t%q: {%s},\n", c.Name, strings.Join(vs, ", "))
		}
		t.Logf("reads as recorded:\n%s", b.String())
	}
}

// TestRunLetsGoOfViews: after checks.Run, no view is held: each was let
// go of when the last check reading it finished.
func TestRunLetsGoOfViews(t *testing.T) {
	for name, in := range map[string]*checks.Input{
		"synthetic":         synthInput(t, 60),
		"synthetic, broken": mutateRules(t, synthInput(t, 60)),
	} {
		in := fresh(in)
		checks.Run(in)
		if held := checks.HeldViews(in); held != nil {
			t.Errorf("%s: views held after the checks: %v", name, held)
		}
	}
}
