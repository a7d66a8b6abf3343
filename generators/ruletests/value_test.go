package ruletests

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/prometheus/model/rulefmt"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

func specs(t *testing.T) map[string]*model.Spec {
	return map[string]*model.Spec{"example": example(t), "synthetic-200": modeltest.Synthetic(t, 200)}
}

// Run runs the tests on the typed values the files were marshalled from:
// that is running them on the files only if parsing every file's bytes, as
// `promtool test rules` (promunit.RunFS) does, gives back exactly its value.
func TestValuesAreTheFiles(t *testing.T) {
	for name, s := range specs(t) {
		t.Run(name, func(t *testing.T) {
			files := generateT(t, s)
			if len(files) == 0 {
				t.Fatal("no files")
			}
			for _, f := range files {
				var got, want any
				var err error
				switch v := f.Value.(type) {
				case *promunit.TestFile:
					// Desc is not in the file (the runner's shortcut,
					// TestSeriesDescIsTheLine): the rest is.
					c := cloneTests(v)
					for j := range c.Tests {
						for k := range c.Tests[j].InputSeries {
							c.Tests[j].InputSeries[k].Desc = nil
						}
					}
					want = c
					got, err = promunit.Parse(f.Path, f.Data)
				case []rulefmt.RuleGroup:
					want = v
					got, err = promunit.ParseRules(f.Path, f.Data)
				default:
					t.Errorf("%s: value %T: the tests would parse it", f.Path, f.Value)
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", f.Path, err)
				}
				// reflect.DeepEqual tells nil from empty, which cmp.Diff
				// shows too; the runner could treat them differently.
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: parsing the file does not give its value (-parsed +value):\n%s", f.Path, cmp.Diff(got, want))
				}
			}
		})
	}
}

// The failures of broken rules and broken expectations are the same whether
// the tests run on the values or on the files' bytes (names included).
func TestRunOnValuesIsRunOnFiles(t *testing.T) {
	s := example(t)
	files := generateT(t, s)
	for i := range files {
		f := &files[i]
		switch v := f.Value.(type) {
		case []rulefmt.RuleGroup:
			// Every threshold far above what the tests reach.
			broken := threshold.ReplaceAllString(string(f.Data), "> 1e9")
			if broken == string(f.Data) {
				continue
			}
			g, err := promunit.ParseRules(f.Path, []byte(broken))
			if err != nil {
				t.Fatal(err)
			}
			f.Data, f.Value = []byte(broken), g
		case *promunit.TestFile:
			// Expectations one step early.
			for j := range v.Tests {
				for k := range v.Tests[j].AlertRuleTests {
					a := &v.Tests[j].AlertRuleTests[k]
					a.EvalTime = max(0, a.EvalTime-v.EvaluationInterval)
				}
			}
			data, err := artifact.YAML(v)
			if err != nil {
				t.Fatal(err)
			}
			f.Data = append([]byte(testHeader), data...)
		}
	}
	onValues := runTests(files)
	bare := slices.Clone(files)
	for i := range bare {
		bare[i].Value = nil
	}
	onFiles := runTests(bare)
	if len(onFiles) == 0 {
		t.Fatal("the broken tests pass")
	}
	str := func(fs []promunit.Failure) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.String())
		}
		return out
	}
	if d := cmp.Diff(str(onFiles), str(onValues)); d != "" {
		t.Errorf("failures differ (-files +values):\n%s", d)
	}
	t.Logf("%d failures, the same", len(onFiles))
}

// The rule files the tests run on are not validated with rulefmt here
// (parsedGroups skips the parse): that is the rules/parse check's job on the
// PrometheusRules. It covers them only because each rule file holds the
// group of a generated PrometheusRule, unchanged.
func TestRuleFilesAreThePrometheusRules(t *testing.T) {
	for name, s := range specs(t) {
		t.Run(name, func(t *testing.T) {
			ruleFiles, err := rules.New().Generate(s)
			if err != nil {
				t.Fatal(err)
			}
			prGroups := map[string]monitoringv1.RuleGroup{}
			for _, f := range ruleFiles {
				if f.Role != artifact.Resource {
					continue
				}
				for doc := range strings.SplitSeq(string(f.Data), "\n---\n") {
					var pr monitoringv1.PrometheusRule
					if err := yaml.Unmarshal([]byte(doc), &pr); err != nil {
						t.Fatalf("%s: %v", f.Path, err)
					}
					if pr.Kind != "PrometheusRule" {
						continue
					}
					for _, g := range pr.Spec.Groups {
						prGroups[g.Name] = g
					}
				}
			}
			n := 0
			for _, f := range generateT(t, s) {
				if _, ok := f.Value.([]rulefmt.RuleGroup); !ok {
					continue
				}
				n++
				var plain struct {
					Groups []monitoringv1.RuleGroup `json:"groups"`
				}
				if err := yaml.UnmarshalStrict(f.Data, &plain); err != nil {
					t.Fatalf("%s: %v", f.Path, err)
				}
				for _, g := range plain.Groups {
					pg, ok := prGroups[g.Name]
					if !ok {
						t.Errorf("%s: group %s is in no generated PrometheusRule", f.Path, g.Name)
					} else if d := cmp.Diff(pg, g); d != "" {
						t.Errorf("%s: group %s differs from the PrometheusRule's (-PrometheusRule +file):\n%s", f.Path, g.Name, d)
					}
				}
			}
			if n == 0 {
				t.Fatal("no rule file")
			}
		})
	}
}

// Values the conversion does not know fall back to parsing the bytes.
func TestParsedGroupsRefuses(t *testing.T) {
	bad := monitoringv1.Duration("1x")
	for name, g := range map[string]monitoringv1.RuleGroup{
		"partial_response_strategy": {Name: "g", PartialResponseStrategy: "warn"},
		"bad for":                   {Name: "g", Rules: []monitoringv1.Rule{{Alert: "A", For: &bad}}},
	} {
		if _, ok := parsedGroups(g); ok {
			t.Errorf("%s: converted", name)
		}
		data, _ := artifact.YAML(map[string][]monitoringv1.RuleGroup{"groups": {g}})
		if _, err := promunit.ParseRules("x", data); err == nil {
			t.Errorf("%s: rulefmt takes it: the conversion should too", name)
		}
	}
}

// expand skips the template engine for texts without an action: they
// expand to themselves, as the engine would do.
func TestExpandPlainText(t *testing.T) {
	l := labelSet{"namespace": "ml", "workload": "w"}
	for _, text := range []string{"", "warning", "a } b }} c", "{ {x} }", "100% <b>&amp;</b>", "multi\nline\t", "$labels.x", "-}} {-"} {
		got, err := expand("A", text, l, 1.5)
		if err != nil {
			t.Fatal(err)
		}
		// With an empty action the engine runs; it writes nothing.
		ref, err := expand("A", text+"{{/* */}}", l, 1.5)
		if err != nil {
			t.Fatal(err)
		}
		if got != text || ref != text {
			t.Errorf("%q: got %q, engine %q", text, got, ref)
		}
	}
	if _, err := expand("A", "<no value>", l, 1); err == nil {
		t.Error("a plain <no value> passes")
	}
}
