package promunit_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// TestInputLayerMatchesAppending: the input layer gives exactly the
// failures of appending every input sample, on the comparison cases of
// 200 synthetic workloads, on every workload's tests with a recording rule
// that writes its first input series (the fall back to appending), and on
// hand-written edge cases.
func TestInputLayerMatchesAppending(t *testing.T) {
	if testing.Short() {
		t.Skip("200 workloads")
	}
	cases := comparisonCases(t, 200)
	spec, byPath := generated(t, 200)
	for i, w := range spec.Workloads {
		testData, ok := byPath[ruletests.TestPath(w)]
		if !ok {
			continue
		}
		tf, err := promunit.Parse(ruletests.TestPath(w), testData)
		if err != nil {
			t.Fatal(err)
		}
		if len(tf.Tests) == 0 || len(tf.Tests[0].InputSeries) == 0 {
			continue
		}
		in := tf.Tests[0].InputSeries[0].Series
		name := in[:strings.IndexAny(in+"{", "{")]
		// A different value, the same value (dropped), an older value.
		expr := []string{name + " * 2", name, name + " offset 1m"}[i%3]
		rules := string(byPath[ruletests.Dir+"/"+ruletests.RulesPath(w)]) +
			fmt.Sprintf("- name: collide\n  rules:\n  - record: %s\n    expr: %s\n", name, expr)
		g, err := promunit.ParseRules("rules", []byte(rules))
		if err != nil {
			t.Fatalf("%s: %v", w.Name, err)
		}
		cases = append(cases, tcase{w.Name + "/collide", tf, g})
	}
	cases = append(cases, inputLayerEdges(t)...)
	sameFailures(t, cases, "input layer", "appended", toggled(inputLayer))
}

// inputLayerEdges are the edge base rules with each of a few rules that
// write input series, on inputs with stale markers, gaps, late starts,
// series defined twice, samples more than 12h apart, and a start time.
func inputLayerEdges(t *testing.T) []tcase {
	t.Helper()
	ruleVariants := map[string]string{
		"none": "",
		"writes an input series, other values": `
  - record: errors_total
    expr: errors_total * 2`,
		"writes an input series, same values": `
  - record: errors_total
    expr: errors_total`,
		"writes an input series, older values": `
  - record: errors_total
    expr: errors_total offset 1m`,
		"writes a late input series before it starts": `
  - record: errors_total
    expr: label_replace(errors_total{instance="a"}, "instance", "b", "", "")`,
		"writes a late input series before it starts, same values": `
  - record: errors_total
    expr: label_replace(errors_total{instance="a"} * 0 + 1, "instance", "b", "", "")`,
	}
	inputs := map[string][]promunit.Series{
		"plain": {
			{Series: `errors_total{job="app", instance="a"}`, Values: "0+60x12"},
			{Series: `errors_total{job="app", instance="b"}`, Values: "1x12"},
		},
		"stale and gaps, b late": {
			{Series: `errors_total{job="app", instance="a"}`, Values: "0+60x6 _x2 400+60x3 stale"},
			{Series: `errors_total{job="app", instance="b"}`, Values: "_x4 1+1x3 stale _ 5x3"},
		},
		"defined twice": {
			{Series: `errors_total{job="app", instance="a"}`, Values: "0+60x12"},
			{Series: `errors_total{job="app", instance="b"}`, Values: "_x3 1x8"},
			{Series: `errors_total{job="app", instance="a"}`, Values: "_ 5+100x10"},
		},
		"b only late": {
			{Series: `errors_total{job="app", instance="a"}`, Values: "_x12"},
			{Series: `errors_total{job="app", instance="b"}`, Values: "_x6 1+1x5"},
		},
	}
	var checks []promunit.AlertTestCase
	for m := range 13 {
		for _, a := range []string{"Base", "Offset"} {
			checks = append(checks, promunit.AlertTestCase{EvalTime: model.Duration(time.Duration(m) * time.Minute), Alertname: a})
		}
	}
	exprs := []promunit.PromqlTestCase{
		{Expr: "errors_total", EvalTime: model.Duration(3 * time.Minute)},
		{Expr: "errors_total", EvalTime: model.Duration(9 * time.Minute)},
		{Expr: "job:errors:rate1m", EvalTime: model.Duration(5 * time.Minute)},
		{Expr: "count_over_time(errors_total[20m])", EvalTime: model.Duration(12 * time.Minute)},
	}
	var cases []tcase
	for rname, rule := range ruleVariants {
		groups, err := promunit.ParseRules("edge.yaml", []byte(fmt.Sprintf(edgeBase, rule)))
		if err != nil {
			t.Fatal(err)
		}
		for iname, in := range inputs {
			for _, timing := range []struct {
				name     string
				interval time.Duration
				start    string
			}{
				{"1m", time.Minute, ""},
				{"30s", 30 * time.Second, ""},
				{"13h apart (out of bounds)", 13 * time.Hour, ""},
				{"7h apart", 7 * time.Hour, ""},
				{"start 3600", time.Minute, "3600"},
			} {
				tg := promunit.TestGroup{
					Name:            iname,
					Interval:        model.Duration(timing.interval),
					StartTimestamp:  timing.start,
					InputSeries:     in,
					AlertRuleTests:  checks,
					PromqlExprTests: exprs,
				}
				if timing.interval > time.Hour {
					// Checks over a day: the evaluations cross the
					// samples' 12h gaps.
					tg.AlertRuleTests = []promunit.AlertTestCase{{EvalTime: model.Duration(30 * time.Hour), Alertname: "Base"}}
					tg.PromqlExprTests = []promunit.PromqlTestCase{
						{Expr: "errors_total", EvalTime: model.Duration(26 * time.Hour)},
						{Expr: "count_over_time(errors_total[2d])", EvalTime: model.Duration(40 * time.Hour)},
					}
				}
				tf := &promunit.TestFile{Name: "edge.test.yaml", Tests: []promunit.TestGroup{tg}}
				cases = append(cases, tcase{fmt.Sprintf("edge/%s/%s/%s", rname, iname, timing.name), tf, groups})
			}
		}
	}
	return cases
}
