package ruletests

import (
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/yamlenc"
)

// appendRulesFile appends the YAML of the plain rule file of g (`groups:
// [g]`) to dst: artifact.YAML's bytes, written directly as the test file
// is (appendTestFile), with w (reset, reused). A group with a field this
// writer does not write (limit, an int expr) or a string YAML would not
// carry as it is takes artifact.YAML (TestRulesFileIsYAML,
// FuzzRulesFileIsYAML).
func appendRulesFile(w *yamlenc.Writer, dst []byte, g *monitoringv1.RuleGroup) ([]byte, error) {
	if out, ok := directRulesFile(w, dst, g); ok {
		return out, nil
	}
	return artifact.AppendYAML(dst, map[string][]monitoringv1.RuleGroup{"groups": {*g}})
}

// directRulesFile is appendRulesFile's direct path; false: take YAML's.
// Fields go in YAML's key order, those json.Marshal
// leaves out (omitempty) left out.
func directRulesFile(w *yamlenc.Writer, dst []byte, g *monitoringv1.RuleGroup) ([]byte, bool) {
	if g.Limit != nil {
		return nil, false
	}
	for i := range g.Rules {
		if g.Rules[i].Expr.Type != intstr.String {
			return nil, false
		}
	}
	w.Reset(dst)
	m := w.BeginMap()
	w.Key("groups")
	s := w.BeginSeq(true)
	w.Item()
	gm := w.BeginMap()
	if g.Interval != nil {
		w.Key("interval")
		w.String(string(*g.Interval))
	}
	if len(g.Labels) > 0 {
		w.Key("labels")
		stringMap(w, g.Labels)
	}
	w.Key("name")
	w.String(g.Name)
	if g.PartialResponseStrategy != "" {
		w.Key("partial_response_strategy")
		w.String(g.PartialResponseStrategy)
	}
	if g.QueryOffset != nil {
		w.Key("query_offset")
		w.String(string(*g.QueryOffset))
	}
	if len(g.Rules) > 0 {
		w.Key("rules")
		rs := w.BeginSeq(true)
		for i := range g.Rules {
			w.Item()
			rule(w, &g.Rules[i])
		}
		w.EndSeq(rs)
	}
	w.EndMap(gm)
	w.EndSeq(s)
	w.EndMap(m)
	out := w.Bytes()
	if !w.OK() {
		return nil, false
	}
	return out, true
}

// rule writes a rule whose expr is a string.
func rule(w *yamlenc.Writer, r *monitoringv1.Rule) {
	m := w.BeginMap()
	if r.Alert != "" {
		w.Key("alert")
		w.String(r.Alert)
	}
	if len(r.Annotations) > 0 {
		w.Key("annotations")
		stringMap(w, r.Annotations)
	}
	w.Key("expr")
	w.String(r.Expr.StrVal)
	if r.For != nil {
		w.Key("for")
		w.String(string(*r.For))
	}
	if r.KeepFiringFor != nil {
		w.Key("keep_firing_for")
		w.String(string(*r.KeepFiringFor))
	}
	if len(r.Labels) > 0 {
		w.Key("labels")
		stringMap(w, r.Labels)
	}
	if r.Record != "" {
		w.Key("record")
		w.String(r.Record)
	}
	w.EndMap(m)
}
