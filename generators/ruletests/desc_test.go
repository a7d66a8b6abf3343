package ruletests

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// notation is the item kind of a run, as appendSegment writes it.
func notation(r promunit.SeriesRun) string {
	switch {
	case r.Stale:
		return "stale"
	case r.Omitted && r.N == 1:
		return "_"
	case r.Omitted:
		return "_xN"
	case r.N == 1:
		return "a"
	case r.Inc == 0:
		return "axN"
	case r.Inc < 0:
		return "a-bxN"
	}
	return "a+bxN"
}

// sameSequence compares values bit for bit (NaN and -0 included).
func sameSequence(got, want []parser.SequenceValue) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d values, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Omitted != w.Omitted || math.Float64bits(g.Value) != math.Float64bits(w.Value) || g.Histogram != nil || w.Histogram != nil {
			return fmt.Sprintf("value %d: %+v, want %+v", i, g, w)
		}
	}
	return ""
}

// The runner runs on Desc instead of the line, but promtool runs on the
// line: for every input series generated for the example and a synthetic
// spec, the parser gives for the line exactly what Desc holds (labels,
// values bit for bit, omitted and stale ones included), and the line is one
// the runner would have parsed (not skipped as a comment, not cut). Every
// notation the generator writes occurs, so all are compared.
func TestSeriesDescIsTheLine(t *testing.T) {
	seen := map[string]int{}
	for name, s := range specs(t) {
		t.Run(name, func(t *testing.T) {
			n := 0
			for _, f := range generateT(t, s) {
				tf, ok := f.Value.(*promunit.TestFile)
				if !ok {
					continue
				}
				for _, tg := range tf.Tests {
					for _, in := range tg.InputSeries {
						n++
						if in.Desc == nil {
							t.Fatalf("%s: %s has no Desc", f.Path, in.Series)
						}
						line := strings.TrimSpace(in.Series + " " + in.Values)
						if line == "" || strings.ContainsAny(line, "\n\r") || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "@") {
							t.Fatalf("%s: the runner does not parse %q", f.Path, line)
						}
						lset, vals, err := seriesParser.ParseSeriesDesc(line)
						if err != nil {
							t.Fatalf("%s: %q: %v", f.Path, line, err)
						}
						if !labels.Equal(lset, in.Desc.Labels) {
							t.Fatalf("%s: %q: labels %s, Desc has %s", f.Path, line, lset, in.Desc.Labels)
						}
						if d := sameSequence(in.Desc.Sequence(), vals); d != "" {
							t.Fatalf("%s: %q: Desc %v: %s", f.Path, line, in.Desc.Runs, d)
						}
						for _, r := range in.Desc.Runs {
							seen[notation(r)]++
						}
					}
				}
			}
			t.Logf("%d series, the same", n)
		})
	}
	for _, k := range []string{"stale", "_xN", "a", "axN", "a-bxN", "a+bxN"} {
		if seen[k] == 0 {
			t.Errorf("no %s run: that notation is not compared", k)
		}
	}
	t.Logf("runs by notation: %v", seen)
}

// Every notation appendSegment writes, and edge values, expand from the
// runs as the parser expands their text.
func TestRunsAreTheirNotation(t *testing.T) {
	runs := []promunit.SeriesRun{
		{Stale: true}, {Omitted: true, N: 1}, {Omitted: true, N: 3},
		{First: 1.5, N: 1}, {First: math.Copysign(0, -1), N: 3}, {First: math.Copysign(0, -1), Inc: 1, N: 3}, {First: 7, N: 5},
		{First: 0, Inc: 0.1, N: 12}, {First: 1e21, Inc: 1e20, N: 3}, {First: 9.25, Inc: -0.125, N: 8},
		{First: -3, Inc: -1.5, N: 3}, {First: -3, Inc: 1.5, N: 3}, {First: 0.1, Inc: 0.2, N: 1}, {First: 5e-324, Inc: 5e-324, N: 3},
	}
	for _, r := range runs {
		d := &promunit.SeriesDesc{Labels: labels.FromStrings(labels.MetricName, "m"), Runs: []promunit.SeriesRun{{First: 1, N: 1}, r}}
		text := "m 1 " + string(appendSegment(nil, r))
		_, vals, err := seriesParser.ParseSeriesDesc(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if diff := sameSequence(d.Sequence(), vals); diff != "" {
			t.Errorf("%q: %s", text, diff)
		}
	}
}

// seriesLabels gives the parser's labels for every name it does not refuse,
// and refuses what the parser does not read as written.
func TestSeriesLabelsAreParsed(t *testing.T) {
	l := labelSet{"namespace": "ml", "workload": "w", "b": `say "hi"`, "c": "back\\slash", "d": "line\nbreak", "f": "é✓", "g": "", "Upper": "x", "h": "{a=\"b\"} 1 # x"}
	refused := 0
	var sb labels.ScratchBuilder // reused, as a base does, also after a refusal
	parsed := &sharedParses{}    // shared, as a generation's workloads do
	for _, metric := range []string{"up", "m", "sum", "on", "bool", "Inf", "nan", "offset", "a:b", "_x", "9a", "é"} {
		for _, extra := range [][]string{nil, {"model", "m"}, {"namespace", ""}, {"e", "bad \xff utf8"}, {"e", "tab\tx"}, {"e", "cr\rx"}, {"le", "+Inf", "workload", `x"y`}, {"bad-name", "x"}, {"__name__", "x"}} {
			var buf [24]label
			lset, ok := seriesLabels(&sb, parsed, metric, sortedLabels(buf[:0], l, extra...))
			if !ok {
				refused++
				continue
			}
			got, vals, err := seriesParser.ParseSeriesDesc(series(metric, l, extra...) + " 1")
			if err != nil || len(vals) != 1 || !labels.Equal(got, lset) {
				t.Errorf("%s %v: parsed %s (%v), seriesLabels %s", metric, extra, got, err, lset)
			}
		}
	}
	for _, bad := range [][]string{{"e", "bad \xff utf8"}, {"bad-name", "x"}} {
		if _, ok := seriesLabels(&labels.ScratchBuilder{}, &sharedParses{}, "up", sortedLabels(nil, l, bad...)); ok {
			t.Errorf("%v: not refused", bad)
		}
	}
	for _, m := range []string{"on", "Inf", "9a", "a:b"} {
		if _, ok := seriesLabels(&labels.ScratchBuilder{}, &sharedParses{}, m, sortedLabels(nil, l)); ok {
			t.Errorf("metric %s: not refused", m)
		}
	}
	t.Logf("%d refused", refused)
}

// The failures of the runner are the same with Desc and without (the
// lines parsed), on the generated tests as they are and with their
// expectations or rules broken.
func TestRunWithDescIsRunWithout(t *testing.T) {
	for name, s := range specs(t) {
		t.Run(name, func(t *testing.T) {
			files := generateT(t, s)
			rulesOf := map[string][]rulefmt.RuleGroup{}
			for _, f := range files {
				if g, ok := f.Value.([]rulefmt.RuleGroup); ok {
					rulesOf[f.Path] = g
				}
			}
			failing := 0
			for _, mode := range []string{"as generated", "expectations one step early", "thresholds far"} {
				var with, without []string
				for _, f := range files {
					tf, ok := f.Value.(*promunit.TestFile)
					if !ok {
						continue
					}
					tf = cloneTests(tf)
					groups := rulesOf[Dir+"/"+tf.RuleFiles[0]]
					switch mode {
					case "expectations one step early":
						for j := range tf.Tests {
							for k := range tf.Tests[j].AlertRuleTests {
								a := &tf.Tests[j].AlertRuleTests[k]
								a.EvalTime = max(0, a.EvalTime-tf.EvaluationInterval)
							}
						}
					case "thresholds far":
						groups = farThresholds(groups)
					}
					for _, fl := range promunit.Run(tf, groups) {
						with = append(with, fl.String())
					}
					for j := range tf.Tests {
						for k := range tf.Tests[j].InputSeries {
							tf.Tests[j].InputSeries[k].Desc = nil
						}
					}
					for _, fl := range promunit.Run(tf, groups) {
						without = append(without, fl.String())
					}
				}
				if d := cmp.Diff(without, with); d != "" {
					t.Errorf("%s: failures differ (-parsed +Desc):\n%s", mode, d)
				}
				if len(with) > 0 {
					failing++
				}
				t.Logf("%s: %d failures, the same", mode, len(with))
			}
			if failing != 2 {
				t.Errorf("%d modes fail, want the two broken ones", failing)
			}
		})
	}
}

// cloneTests copies tf down to its input series (which the test changes).
func cloneTests(tf *promunit.TestFile) *promunit.TestFile {
	c := *tf
	c.Tests = slices.Clone(tf.Tests)
	for j := range c.Tests {
		c.Tests[j].InputSeries = slices.Clone(c.Tests[j].InputSeries)
		c.Tests[j].AlertRuleTests = slices.Clone(c.Tests[j].AlertRuleTests)
	}
	return &c
}

// farThresholds are groups with every threshold far above what the tests
// reach.
func farThresholds(groups []rulefmt.RuleGroup) []rulefmt.RuleGroup {
	out := slices.Clone(groups)
	for i := range out {
		out[i].Rules = slices.Clone(out[i].Rules)
		for j := range out[i].Rules {
			r := &out[i].Rules[j]
			r.Expr = threshold.ReplaceAllString(r.Expr, "> 1e9")
		}
	}
	return out
}

// relabelKey keys the parsed relabel rules: it must see every field of
// scrape.Relabel (a new field needs a place in the key) and tell apart
// rules whose YAML differs.
func TestRelabelKey(t *testing.T) {
	if n := reflect.TypeFor[scrape.Relabel]().NumField(); n != 6 {
		t.Fatalf("scrape.Relabel has %d fields, relabelKey knows 6", n)
	}
	empty, x := "", "x"
	rules := []scrape.Relabel{
		{}, {Action: "keep"}, {Regex: "keep"}, {Separator: "keep"}, {TargetLabel: "keep"},
		{Replacement: &empty}, {Replacement: &x}, {SourceLabels: []string{"keep"}},
		{SourceLabels: []string{"a", "b"}}, {SourceLabels: []string{"a,b"}}, {SourceLabels: []string{"a", ""}},
		{Action: "1:a", Regex: ""}, {Action: "1", Regex: "a"}, {Regex: "1:a"},
	}
	seen := map[string]int{}
	for i, r := range rules {
		data, err := artifact.YAML(r)
		if err != nil {
			t.Fatal(err)
		}
		k := relabelKey(r)
		if j, dup := seen[k]; dup {
			if d, _ := artifact.YAML(rules[j]); string(d) != string(data) {
				t.Errorf("rules %d and %d: same key %q, different YAML", j, i, k)
			}
		}
		seen[k] = i
	}
	if _, ok := seen[relabelKey(scrape.Relabel{SourceLabels: []string{}})]; !ok {
		t.Error("empty and nil source labels (the same YAML) have different keys")
	}
}
