package promunit_test

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// TestStripMatchesOriginal: running the alerting rules without their
// templates and expanding the annotations of the checked alerts gives
// exactly the failures (messages included) of the rules as loaded, on the
// generated tests of a synthetic spec of 200 workloads (the first ones
// broken in several ways, some with annotations that print the sample's
// value and name), and on the hand-written file with mutations, with and
// without its promql_expr_test (which turns stripping off).
func TestStripMatchesOriginal(t *testing.T) {
	if testing.Short() {
		t.Skip("200 workloads")
	}
	cases := comparisonCases(t, 200)
	for _, c := range cases[:min(len(cases), 60)] {
		cases = append(cases, tcase{c.name + "/annotations", c.tf, reannotate(c.groups)})
	}
	cases = append(cases, appWithoutExprTests(t)...)
	promunit.StripCounts()
	sameFailures(t, cases, "stripped", "original", toggled(stripTemplates))
	s, r := promunit.StripCounts()
	t.Logf("test groups run stripped: %d, of which rerun on the original rules: %d", s, r)
	if s == 0 || r == 0 {
		t.Errorf("stripped %d, rerun %d: both paths should be exercised", s, r)
	}
}

// reannotate returns a copy of groups whose alerting rules' annotations
// also print the sample's value and metric name, and every label.
func reannotate(groups []rulefmt.RuleGroup) []rulefmt.RuleGroup {
	out := slices.Clone(groups)
	for i := range out {
		out[i].Rules = slices.Clone(out[i].Rules)
		for j := range out[i].Rules {
			r := &out[i].Rules[j]
			if r.Alert == "" {
				continue
			}
			r.Annotations = maps.Clone(r.Annotations)
			if r.Annotations == nil {
				r.Annotations = map[string]string{}
			}
			r.Annotations["summary"] = "at {{ $value }}: " + r.Annotations["summary"]
			r.Annotations["series"] = `{{ $labels.__name__ }}{{ range $k, $v := $labels }} {{ $k }}={{ $v }}{{ end }}`
		}
	}
	return out
}

// appWithoutExprTests is testdata/app.test.yaml and its mutations without
// promql_expr_test, and with wrong expected annotations.
func appWithoutExprTests(t *testing.T) []tcase {
	t.Helper()
	base, groups := appFile(t)
	mutations := append([]func(*promunit.TestFile){
		func(*promunit.TestFile) {},
		func(tf *promunit.TestFile) {
			tf.Tests[0].AlertRuleTests[1].ExpAlerts[0].ExpAnnotations["summary"] = "a fails {{ $value }} times a second"
		},
	}, testFileMutations...)
	var out []tcase
	for i, mutate := range mutations {
		tf := base()
		mutate(tf)
		for j := range tf.Tests {
			tf.Tests[j].PromqlExprTests = nil
		}
		out = append(out, tcase{fmt.Sprintf("app/no-expr-test-%d", i), tf, groups})
	}
	return out
}

// stripBase is the rule file of the edge cases; each adds a rule (or a
// group) at %s.
const stripBase = `groups:
- name: base
  rules:
  - record: job:errors:rate1m
    expr: sum by (job) (rate(errors_total[1m]))
  - alert: Base
    expr: rate(errors_total[2m]) > 0.5
    for: 2m
    labels:
      severity: page
      job: app
    annotations:
      summary: '{{ $labels.instance }} at {{ $value }}'
      plain: no template } here
      ext: '{{ $externalLabels.cluster }} {{ $externalURL }} {{ now }}'%s
- name: offset
  query_offset: 1m
  rules:
  - alert: Offset
    expr: rate(errors_total[2m]) > 0.5
    for: 1m
    labels:
      severity: ticket
    annotations:
      at: '{{ now }} {{ $value }} {{ $labels }}'
`

// stripEdges are the edge cases: the rule (or group) added to stripBase,
// and whether the test group should run stripped and be rerun.
var stripEdges = []struct {
	name            string
	rule            string
	stripped, rerun bool
}{
	{"nothing added", "", true, false},
	{"$value and humanize", `
  - alert: Edge
    expr: rate(errors_total[2m]) > 0.5
    annotations:
      v: '{{ $value }}'
      h: '{{ $value | humanize }} {{ humanize1024 $value }} {{ humanizePercentage $value }} {{ humanizeDuration $value }} {{ printf "%.3f" $value }}'`, true, false},
	{"$labels.__name__ (expression keeping the name)", `
  - alert: Edge
    expr: errors_total > 100
    labels:
      severity: low
    annotations:
      name: '{{ $labels.__name__ }}'
      all: '{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}'`, true, false},
	{"histogram value", `
  - alert: Edge
    expr: errors_hist
    annotations:
      v: '{{ $value }}'`, true, false},
	{"query function", `
  - alert: Edge
    expr: rate(errors_total{instance="a"}[2m]) > 0.5
    annotations:
      total: '{{ with query "sum(errors_total)" }}{{ . | first | value }}{{ end }}'
      alerts: '{{ with query "count(ALERTS)" }}{{ . | first | value }}{{ end }}'`, false, false},
	{"template errors", `
  - alert: Edge
    expr: rate(errors_total[2m]) > 0.5
    annotations:
      exec: '{{ .Nope }}'
      first: '{{ $labels.instance }}{{ template "none" }}'
      url: '{{ pathPrefix }}'`, true, false},
	{"templated label", `
  - alert: Edge
    expr: rate(errors_total[2m]) > 0.5
    labels:
      copy: 'of {{ $labels.instance }}'
    annotations:
      v: '{{ $value }}'`, true, false},
	{"label overriding a sample label (duplicate label set)", `
  - alert: Edge
    expr: errors_total > 0
    labels:
      instance: x
    annotations:
      v: '{{ $value }}'`, true, true},
	{"label overriding a sample label (one sample)", `
  - alert: Edge
    expr: errors_total{instance="a"} > 0
    labels:
      instance: x
    annotations:
      v: '{{ $value }}'`, true, true},
	{"empty label deleting a sample label", `
  - alert: Edge
    expr: errors_total > 0
    labels:
      job: ''`, true, true},
	{"keep_firing_for", `
  - alert: Edge
    expr: rate(errors_total[2m]) > 0.5 and errors_total < 400
    keep_firing_for: 3m
    annotations:
      v: '{{ $value }}'`, true, false},
	{"reads ALERTS", `
  - alert: Edge
    expr: ALERTS{alertname="Base"}
    annotations:
      v: '{{ $value }}'`, false, false},
	{"reads ALERTS_FOR_STATE", `
  - alert: Edge
    expr: ALERTS_FOR_STATE > 0`, false, false},
	{"selector without a name", `
  - alert: Edge
    expr: '{job="app"} > 100'`, false, false},
	{"alert name shared by two rules", `
  - alert: Base
    expr: rate(errors_total[2m]) > 0.5
    labels:
      severity: ticket
    annotations:
      summary: '{{ $value }}'`, true, false},
	{"group limit", `
- name: limited
  limit: 1
  rules:
  - alert: Edge
    expr: errors_total > 0
    annotations:
      v: '{{ $value }}'`, true, false},
	{"alert reading a recording rule", `
  - alert: Edge
    expr: job:errors:rate1m > 0.5
    for: 1m
    annotations:
      v: '{{ $value }} {{ $labels }}'`, true, false},
}

// TestStripEdges: in corner cases, stripping gives the failures of the
// rules as loaded (or is not done, or is undone by a rerun, as expected).
func TestStripEdges(t *testing.T) {
	var checks []promunit.AlertTestCase
	for s := 0; s <= 12*60; s += 30 {
		at := model.Duration(time.Duration(s) * time.Second)
		for _, a := range []string{"Base", "Offset", "Edge"} {
			checks = append(checks, promunit.AlertTestCase{EvalTime: at, Alertname: a})
		}
	}
	// An expected alert with the right labels, wrong annotations.
	checks = append(checks, promunit.AlertTestCase{EvalTime: model.Duration(5 * time.Minute), Alertname: "Base", ExpAlerts: []promunit.Alert{{
		ExpLabels:      map[string]string{"severity": "page", "job": "app", "instance": "a"},
		ExpAnnotations: map[string]string{"summary": "a at 1", "plain": "no template } here"},
	}}})
	tf := &promunit.TestFile{
		Name: "edge.test.yaml",
		Tests: []promunit.TestGroup{{
			Name: "a then b",
			InputSeries: []promunit.Series{
				{Series: `errors_total{job="app", instance="a"}`, Values: "0+60x6 _x2 400+60x3"},
				{Series: `errors_total{job="app", instance="b"}`, Values: "_x4 1+1x3 stale _ 5x3"},
				{Series: `errors_hist{job="app"}`, Values: "_x3 {{schema:0 sum:5 count:4 buckets:[1 2 1]}}x3 _x3 {{schema:0 sum:7 count:5 buckets:[1 3 1]}}x3"},
			},
			AlertRuleTests: checks,
			ExternalLabels: map[string]string{"cluster": "c1"},
			ExternalURL:    "https://prometheus.example/prom",
		}},
	}
	promunit.StripCounts()
	for _, e := range stripEdges {
		t.Run(e.name, func(t *testing.T) {
			groups, err := promunit.ParseRules("edge.yaml", []byte(fmt.Sprintf(stripBase, e.rule)))
			if err != nil {
				t.Fatal(err)
			}
			strip, orig := toggled(stripTemplates)(t, func(o promunit.Options) []promunit.Failure { return o.Run(tf, groups) })
			if strip != orig {
				t.Errorf("stripped and original disagree\n--- stripped:\n%s\n--- original:\n%s", strip, orig)
			}
			if !strings.Contains(orig, "annotations") {
				t.Errorf("no alert shown: the checks (nothing expected) should show some\n%s", orig)
			}
			if os.Getenv("STRIP_SHOW") != "" {
				t.Log(orig)
			}
			s, r := promunit.StripCounts()
			if (s > 0) != e.stripped || (r > 0) != e.rerun {
				t.Errorf("stripped %d times, rerun %d times; want stripped %v, rerun %v", s, r, e.stripped, e.rerun)
			}
		})
	}
}
