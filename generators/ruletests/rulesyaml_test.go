package ruletests

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/yamlenc"
)

// sameRulesAsYAML fails t unless appendRulesFile writes artifact.YAML's
// bytes for `groups: [g]` (or both fail); it reports whether the direct
// path wrote them.
func sameRulesAsYAML(t *testing.T, g *monitoringv1.RuleGroup) bool {
	t.Helper()
	want, werr := artifact.YAML(map[string][]monitoringv1.RuleGroup{"groups": {*g}})
	w := yamlenc.NewWriter(nil)
	got, gerr := appendRulesFile(w, []byte("#\n"), g)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("artifact.YAML: %v, appendRulesFile: %v", werr, gerr)
	}
	if werr == nil && !bytes.Equal(got, append([]byte("#\n"), want...)) {
		t.Fatalf("appendRulesFile differs from artifact.YAML:\n--- artifact.YAML\n%s\n--- appendRulesFile\n%s", want, got)
	}
	_, direct := directRulesFile(w, nil, g)
	return direct
}

// TestRulesFileOfGeneratedGroups: the rule file of every workload of the
// example and of 200 synthetic workloads is written by the direct path,
// with artifact.YAML's bytes, and is the file generated.
func TestRulesFileOfGeneratedGroups(t *testing.T) {
	size := 200
	if testing.Short() {
		size = 20
	}
	for name, s := range map[string]func() *model.Spec{
		"example":   func() *model.Spec { return example(t) },
		"synthetic": func() *model.Spec { return modeltest.Synthetic(t, size) },
	} {
		t.Run(name, func(t *testing.T) {
			spec := s()
			files := map[string][]byte{}
			for _, f := range generateT(t, spec) {
				files[f.Path] = f.Data
			}
			for _, w := range spec.Workloads {
				g := rules.WorkloadGroup(spec, w)
				if !sameRulesAsYAML(t, &g.RuleGroup) {
					t.Fatalf("%s: not written by the direct path", w.Name)
				}
				data, ok := files[Dir+"/"+RulesPath(w)]
				if !ok {
					continue
				}
				want, err := artifact.YAML(map[string][]monitoringv1.RuleGroup{"groups": {g.RuleGroup}})
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(data, append([]byte(rulesHeader), want...)) {
					t.Fatalf("%s: rule file is not the header and artifact.YAML's bytes", w.Name)
				}
			}
		})
	}
}

// groupWith is a rule group with s in every string field and key.
func groupWith(s string) *monitoringv1.RuleGroup {
	d := monitoringv1.Duration(s)
	kf := monitoringv1.NonEmptyDuration(s)
	g := &monitoringv1.RuleGroup{
		Name: s, Labels: map[string]string{"team": s}, Interval: &d, QueryOffset: &d, PartialResponseStrategy: s,
		Rules: []monitoringv1.Rule{
			{Alert: s, Expr: intstr.FromString(s), For: &d, KeepFiringFor: &kf,
				Labels:      map[string]string{"severity": s, "a10": "x", "a9": s},
				Annotations: map[string]string{"summary": s, "description": strings.Repeat("word ", 30) + s}},
			{Record: s, Expr: intstr.FromString("sum(up)\n" + s)},
		},
	}
	if keyDirect(s) {
		g.Labels[s] = s
		g.Rules[0].Annotations[s] = "v"
	}
	return g
}

func TestRulesFileIsYAML(t *testing.T) {
	for _, s := range awkward {
		if got := sameRulesAsYAML(t, groupWith(s)); got != direct(s) {
			t.Fatalf("%q: written directly: %v, want %v", s, got, direct(s))
		}
	}
	empty := monitoringv1.Duration("")
	limit := 3
	shapes := []*monitoringv1.RuleGroup{
		{},
		{Rules: []monitoringv1.Rule{}, Labels: map[string]string{}},
		{Name: "g", Interval: &empty, Rules: []monitoringv1.Rule{{Expr: intstr.FromString(""), For: &empty, Labels: map[string]string{}, Annotations: map[string]string{}}}},
		{Name: "g", Rules: []monitoringv1.Rule{{Record: "r", Expr: intstr.FromInt32(1)}}},
		{Name: "g", Limit: &limit},
	}
	for _, g := range shapes {
		sameRulesAsYAML(t, g)
	}
}

func FuzzRulesFileIsYAML(f *testing.F) {
	for i, s := range awkward {
		f.Add(s, awkward[(i+1)%len(awkward)], awkward[(i+7)%len(awkward)])
	}
	f.Fuzz(func(t *testing.T, s, key, value string) {
		g := groupWith(s)
		g.Rules[0].Labels[key] = value
		g.Rules[1].Annotations = map[string]string{value: key}
		g.Rules[1].Expr = intstr.FromString(value)
		sameRulesAsYAML(t, g)
	})
}

// TestRulesFileKnowsEveryField: a field added to the rule types must be
// written by directRulesFile or send the group to artifact.YAML; this
// fails until the writer has been looked at.
func TestRulesFileKnowsEveryField(t *testing.T) {
	for v, n := range map[reflect.Type]int{
		reflect.TypeFor[monitoringv1.RuleGroup](): 7,
		reflect.TypeFor[monitoringv1.Rule]():      7,
	} {
		if got := v.NumField(); got != n {
			t.Errorf("%v has %d fields, the direct YAML writer knows %d", v, got, n)
		}
	}
}
