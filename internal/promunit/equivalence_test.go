package promunit_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	dmodel "github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// pair runs f with two Options, and returns the failures of each,
// rendered: the equivalence tests of the runner's fast paths (in-memory
// storage, range-query cache, stripped templates, input layer, ...)
// against the way promtool does it.
type pair func(t *testing.T, f func(promunit.Options) []promunit.Failure) (on, off string)

// toggled is the pair of one fast path: Fast with it on, and Fast with it
// off.
func toggled(set func(o *promunit.Options, on bool)) pair {
	return func(t *testing.T, f func(promunit.Options) []promunit.Failure) (on, off string) {
		t.Helper()
		o := promunit.Fast()
		set(&o, true)
		on = render(f(o))
		set(&o, false)
		off = render(f(o))
		return on, off
	}
}

// The fast paths, for toggled.
var (
	memoryStorage  = func(o *promunit.Options, on bool) { o.MemoryStorage = on }
	inputLayer     = func(o *promunit.Options, on bool) { o.InputLayer = on }
	precompute     = func(o *promunit.Options, on bool) { o.Precompute = on }
	deriveRecords  = func(o *promunit.Options, on bool) { o.DeriveRecords = on }
	shareRanges    = func(o *promunit.Options, on bool) { o.ShareRanges = on }
	parseCache     = func(o *promunit.Options, on bool) { o.ParseCache = on }
	exprText       = func(o *promunit.Options, on bool) { o.ExprText = on }
	stripTemplates = func(o *promunit.Options, on bool) { o.StripTemplates = on }
)

// fastAndReference is the pair of every fast path on (Fast) and every one
// off (Reference: promtool's way).
func fastAndReference(t *testing.T, f func(promunit.Options) []promunit.Failure) (fast, reference string) {
	t.Helper()
	return render(f(promunit.Fast())), render(f(promunit.Reference()))
}

// TestReferenceMatchesFast: every fast path at once gives exactly the
// failures of promtool's way, on the cases every path is compared on
// (6 synthetic workloads' tests with their mutations, the edge rules).
func TestReferenceMatchesFast(t *testing.T) {
	sameFailures(t, comparisonCases(t, 6), "fast", "reference", fastAndReference)
}

// sameFailures runs every case both ways of pair and wants identical
// failure texts, with passing and failing cases among them (else the
// comparison says nothing).
func sameFailures(t *testing.T, cases []tcase, a, b string, run pair) {
	t.Helper()
	failing := 0
	for _, c := range cases {
		got, want := run(t, func(o promunit.Options) []promunit.Failure { return o.Run(c.tf, c.groups) })
		if got != want {
			t.Errorf("%s: %s and %s disagree\n--- %s:\n%s\n--- %s:\n%s", c.name, a, b, a, got, b, want)
		}
		if got != "" {
			failing++
		}
	}
	if failing == 0 || failing == len(cases) {
		t.Fatalf("%d of %d cases fail: the comparison needs passing and failing cases", failing, len(cases))
	}
	t.Logf("%d cases, %d failing, identical failures", len(cases), failing)
}

type tcase struct {
	name   string
	tf     *promunit.TestFile
	groups []rulefmt.RuleGroup
}

// everyCase is what the runner's fast paths are compared on: the cases of
// 200 synthetic workloads (6 with -short), the edge rules of the step cache
// and the edge groups of the input layer (returned apart too).
func everyCase(t *testing.T) (all, inputEdges []tcase) {
	t.Helper()
	n := 200
	if testing.Short() {
		n = 6
	}
	inputEdges = inputLayerEdges(t)
	all = append(comparisonCases(t, n), precomputeEdges(t)...)
	return append(all, inputEdges...), inputEdges
}

// comparisonCases are the hand-written test file with mutations, and the
// generated tests of a synthetic spec of n workloads with their rules or
// expectations broken in several ways.
func comparisonCases(t *testing.T, n int) []tcase {
	t.Helper()
	base, groups := appFile(t)
	var cases []tcase
	cases = append(cases, tcase{"app", base(), groups})
	for i, mutate := range testFileMutations {
		tf := base()
		mutate(tf)
		cases = append(cases, tcase{fmt.Sprintf("app/mutation-%d", i), tf, groups})
	}

	// Generated tests of a synthetic spec, intact and broken.
	spec, byPath := generated(t, n)
	for i, w := range spec.Workloads {
		testData, ok := byPath[ruletests.TestPath(w)]
		if !ok {
			continue
		}
		if i >= 8 {
			// Beyond a few workloads, the intact tests only.
			tf, err := promunit.Parse(ruletests.TestPath(w), testData)
			if err != nil {
				t.Fatal(err)
			}
			g, err := promunit.ParseRules("rules", byPath[ruletests.Dir+"/"+ruletests.RulesPath(w)])
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, tcase{w.Name + "/intact", tf, g})
			continue
		}
		ruleText := string(byPath[ruletests.Dir+"/"+ruletests.RulesPath(w)])
		variants := map[string]string{
			"intact":       ruleText,
			"no-namespace": strings.ReplaceAll(ruleText, `namespace="`+w.Namespace+`",`, ""),
			"no-for":       strings.ReplaceAll(ruleText, "\n    for: ", "\n    keep_firing_for: "),
			"no-workload":  strings.ReplaceAll(ruleText, `workload="`+w.Name+`"`, `workload=~".+"`),
		}
		for vname, text := range variants {
			g, err := promunit.ParseRules("rules", []byte(text))
			if err != nil {
				t.Fatalf("%s/%s: %v", w.Name, vname, err)
			}
			tf, err := promunit.Parse(ruletests.TestPath(w), testData)
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, tcase{w.Name + "/" + vname, tf, g})
		}
		// Expectations a minute early.
		tf, err := promunit.Parse(ruletests.TestPath(w), testData)
		if err != nil {
			t.Fatal(err)
		}
		for i := range tf.Tests {
			for j := range tf.Tests[i].AlertRuleTests {
				a := &tf.Tests[i].AlertRuleTests[j]
				a.EvalTime = max(0, a.EvalTime-model.Duration(time.Minute))
			}
		}
		g, _ := promunit.ParseRules("rules", []byte(ruleText))
		cases = append(cases, tcase{w.Name + "/early", tf, g})
	}

	return cases
}

// testFileMutations break testdata/app.test.yaml in ways that exercise
// the storage: stale markers, gaps, duplicate series, late start.
var testFileMutations = []func(tf *promunit.TestFile){
	func(tf *promunit.TestFile) { tf.Tests[0].AlertRuleTests[1].ExpAlerts = nil },
	func(tf *promunit.TestFile) {
		for i := range tf.Tests[0].InputSeries {
			tf.Tests[0].InputSeries[i].Values += " stale _ 1 stale"
		}
	},
	func(tf *promunit.TestFile) {
		for i := range tf.Tests[0].InputSeries {
			tf.Tests[0].InputSeries[i].Values = "_x3 " + tf.Tests[0].InputSeries[i].Values
		}
	},
	func(tf *promunit.TestFile) {
		tf.Tests[0].InputSeries = append(tf.Tests[0].InputSeries, tf.Tests[0].InputSeries...)
		tf.Tests[0].InputSeries[len(tf.Tests[0].InputSeries)-1].Values = "0x20"
	},
	func(tf *promunit.TestFile) { tf.Tests[0].StartTimestamp = "3600" },
	func(tf *promunit.TestFile) { tf.Tests[0].Interval = model.Duration(13 * time.Hour) },
	func(tf *promunit.TestFile) { tf.Tests[0].InputSeries[0].Values = "1 2 {{schema:0 sum:1 count:1}}" },
	func(tf *promunit.TestFile) { tf.Tests[0].InputSeries[0].Series = "not a series{" },
}

// generated returns a synthetic spec of n workloads and its generated
// files by path.
func generated(t testing.TB, n int) (*dmodel.Spec, map[string][]byte) {
	t.Helper()
	spec := modeltest.Synthetic(t, n)
	gen, err := ruletests.New().Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string][]byte{}
	for _, f := range gen {
		byPath[f.Path] = f.Data
	}
	return spec, byPath
}

// appFile returns a parser of the hand-written test file (a fresh copy per
// call, to mutate) and its rules.
func appFile(t *testing.T) (func() *promunit.TestFile, []rulefmt.RuleGroup) {
	t.Helper()
	data, err := os.ReadFile("testdata/app.test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rulesData, err := os.ReadFile("testdata/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	groups, err := promunit.ParseRules("rules.yaml", rulesData)
	if err != nil {
		t.Fatal(err)
	}
	return func() *promunit.TestFile {
		tf, err := promunit.Parse("app.test.yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		return tf
	}, groups
}
