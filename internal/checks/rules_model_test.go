package checks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// The checks read the rules the generator made, with the spec path of
// each group and rule (rules_model.go); only rules/parse reads the bytes.
// Each case edits one side only, to prove which side a check reads.

// typedEdit edits a copy of the typed object of the workloads' rule file,
// its bytes left alone.
func typedEdit(edit func(o *rules.Object)) func(t *testing.T, in *checks.Input) *checks.Input {
	return func(t *testing.T, in *checks.Input) *checks.Input {
		t.Helper()
		out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
		f := famFile(t, out, famRuleFile)
		old, ok := f.Value.(*rules.Object)
		if !ok {
			t.Fatalf("%s carries %T, not its *rules.Object", f.Path, f.Value)
		}
		o := &rules.Object{Path: old.Path, Rule: old.Rule.DeepCopy()}
		for _, g := range old.Groups {
			o.Groups = append(o.Groups, rules.Group{RuleGroup: *g.RuleGroup.DeepCopy(), Source: g.Source, RuleSources: slices.Clone(g.RuleSources)})
		}
		edit(o)
		f.Value = o
		return out
	}
}

// bytesEdit replaces old by new in the bytes of the workloads' rule file,
// its typed object left alone.
func bytesEdit(old, new string) func(t *testing.T, in *checks.Input) *checks.Input {
	return func(t *testing.T, in *checks.Input) *checks.Input {
		t.Helper()
		out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
		f := famFile(t, out, famRuleFile)
		if !strings.Contains(string(f.Data), old) {
			t.Fatalf("%s does not contain %q", f.Path, old)
		}
		f.Data = []byte(strings.Replace(string(f.Data), old, new, 1))
		return out
	}
}

// resnetGroup returns the resnet workload's group of o.
func resnetGroup(o *rules.Object) *rules.Group {
	for i := range o.Groups {
		if o.Groups[i].Name == "dataops.resnet" {
			return &o.Groups[i]
		}
	}
	panic("no group dataops.resnet")
}

func TestChecksReadTypedRules(t *testing.T) {
	famRunCases(t, "spec/escaping", famBase, []famCase{
		{name: "generated"},
		{
			name: "typed label differs",
			edit: typedEdit(func(o *rules.Object) { resnetGroup(o).Rules[0].Labels["workload"] = "other" }),
			want: []string{`spec.cue:15:2: spec/escaping: rule InferenceServiceDown: label workload is "other", not the spec's "resnet"`},
		},
		// The bytes are rules/parse's (the encoder's) concern.
		{name: "bytes alone differ", edit: bytesEdit("workload: resnet", "workload: other")},
	})
}
