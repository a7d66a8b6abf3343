package promunit_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

func render(fs []promunit.Failure) string {
	var b strings.Builder
	for _, x := range fs {
		b.WriteString(x.String())
		b.WriteString("\n")
	}
	return b.String()
}

// TestPrecomputeMatchesLive: answering the rule queries from one range
// query per rule, and skipping idle evaluations, gives exactly the failures
// of evaluating every rule live at every step, on the generated tests of a
// synthetic spec of 200 workloads (the first ones also broken in several
// ways) and the hand-written file with mutations.
func TestPrecomputeMatchesLive(t *testing.T) {
	if testing.Short() {
		t.Skip("200 workloads")
	}
	sameFailures(t, comparisonCases(t, 200), "cached", "live", toggled(precompute))
}

// edgeRules are rules the cache must leave to live evaluation, or must
// answer exactly in corner cases, each added to the base group alone.
var edgeRules = map[string]string{
	"reads a recording rule": `
  - alert: Edge
    expr: job:errors:rate1m > 0.5
    for: 1m`,
	"reads ALERTS": `
  - alert: Edge
    expr: count(ALERTS{alertname="Base"}) > 0`,
	"reads ALERTS_FOR_STATE": `
  - alert: Edge
    expr: ALERTS_FOR_STATE > 0`,
	"selector without a name": `
  - alert: Edge
    expr: '{job="app"} > 100'`,
	"negative offset (reads the future)": `
  - alert: Edge
    expr: errors_total offset -2m > 100`,
	"@ end()": `
  - alert: Edge
    expr: errors_total @ end() > 100`,
	"subquery": `
  - alert: Edge
    expr: max_over_time(rate(errors_total[2m])[3m:1m]) > 0.5`,
	"keep_firing_for": `
  - alert: Edge
    expr: rate(errors_total[2m]) > 0.5 and errors_total < 400
    keep_firing_for: 3m`,
	"template query": `
  - alert: Edge
    expr: rate(errors_total{instance="a"}[2m]) > 0.5
    annotations:
      total: '{{ with query "sum(errors_total)" }}{{ . | first | value }}{{ end }}'
      same: '{{ with query "rate(errors_total{instance=\"a\"}[2m]) > 0.5" }}{{ . | first | value }}{{ end }}'`,
	"many-to-many error once b appears": `
  - alert: Edge
    expr: errors_total * on() group_left errors_total > 0`,
	"duplicate alert labels once b appears": `
  - alert: Edge
    expr: errors_total > 0
    labels:
      instance: x`,
	"scalar result": `
  - alert: Edge
    expr: scalar(sum(errors_total)) > bool 100`,
	"recording rule writing an input metric": `
  - record: errors_total
    expr: errors_total * 2`,
	"recording rule with a changing result": `
  - record: job:errors:max
    expr: max by (job) (errors_total) > 100`,
	"for state across a gap": `
  - alert: Edge
    expr: errors_total{instance="b"} > 0
    for: 2m`,
}

const edgeBase = `groups:
- name: base
  rules:
  - record: job:errors:rate1m
    expr: sum by (job) (rate(errors_total[1m]))
  - alert: Base
    expr: rate(errors_total[2m]) > 0.5
    for: 2m
    annotations:
      summary: '{{ $labels.instance }} at {{ $value }}'%s
- name: offset
  query_offset: 1m
  rules:
  - alert: Offset
    expr: rate(errors_total[2m]) > 0.5
    for: 1m
`

// TestPrecomputeEdges: rules the cache must not answer, or answers in
// corner cases, give the failures of live evaluation.
func TestPrecomputeEdges(t *testing.T) {
	for _, c := range precomputeEdges(t) {
		t.Run(c.name, func(t *testing.T) {
			cached, direct := toggled(precompute)(t, func(o promunit.Options) []promunit.Failure { return o.Run(c.tf, c.groups) })
			if cached != direct {
				t.Errorf("cached and live disagree\n--- cached:\n%s\n--- live:\n%s", cached, direct)
			}
			if cached == "" {
				t.Error("no failure: the checks (nothing fires) should fail somewhere")
			}
		})
	}
}

// precomputeEdges are the edge base rules with each of edgeRules, on
// inputs where b appears late, goes stale and comes back.
func precomputeEdges(t *testing.T) []tcase {
	t.Helper()
	var checks []promunit.AlertTestCase
	for m := range 12 {
		for _, a := range []string{"Base", "Offset", "Edge"} {
			checks = append(checks, promunit.AlertTestCase{EvalTime: model.Duration(time.Duration(m) * time.Minute), Alertname: a})
		}
	}
	tf := &promunit.TestFile{
		Name: "edge.test.yaml",
		Tests: []promunit.TestGroup{{
			Name: "a then b",
			InputSeries: []promunit.Series{
				{Series: `errors_total{job="app", instance="a"}`, Values: "0+60x6 _x2 400+60x3"},
				{Series: `errors_total{job="app", instance="b"}`, Values: "_x4 1+1x3 stale _ 5x3"},
			},
			AlertRuleTests: checks,
			PromqlExprTests: []promunit.PromqlTestCase{
				{Expr: "job:errors:rate1m", EvalTime: model.Duration(5 * time.Minute)},
				{Expr: "errors_total", EvalTime: model.Duration(6 * time.Minute)},
				{Expr: "job:errors:max", EvalTime: model.Duration(9 * time.Minute)},
			},
		}},
	}
	var cases []tcase
	for name, rule := range edgeRules {
		groups, err := promunit.ParseRules("edge.yaml", []byte(fmt.Sprintf(edgeBase, rule)))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tcase{name, tf, groups})
	}
	return cases
}
