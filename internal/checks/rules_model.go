package checks

import (
	"github.com/dataopsgen/dataopsgen/generators/rules"
)

// The rules as the generator made them: the rules generator sets the Value
// of each PrometheusRule file to its *rules.Object (the PrometheusRule it
// marshalled, with the spec path of every group and rule), and
// internal/build keeps it for the checks. The checks read the rules from
// there rather than decoding the bytes just encoded or running the
// generator again; rules/parse alone reads the bytes, so that the encoder
// is verified too.

// typedRuleObjects are the typed objects of the generated PrometheusRule
// files, in file order. A file without one (an Input made from bytes alone)
// has none: only rules/parse checks it.
func typedRuleObjects(in *Input) []*rules.Object {
	var out []*rules.Object
	for i := range in.Files {
		f := &in.Files[i]
		if o, ok := f.Value.(*rules.Object); ok && isRuleFile(f) {
			out = append(out, o)
		}
	}
	return out
}

// sourcedGroup is a generated rule group and the file it is in.
type sourcedGroup struct {
	file  string
	group *rules.Group
}

// indexGroupsBySource maps the spec path of each generated group (a
// workload's path, extraRules."<group>") to the groups it produced.
func indexGroupsBySource(in *Input) map[string][]sourcedGroup {
	out := map[string][]sourcedGroup{}
	for _, o := range in.ruleObjects() {
		for i := range o.Groups {
			g := &o.Groups[i]
			out[g.Source] = append(out[g.Source], sourcedGroup{o.Path, g})
		}
	}
	return out
}
