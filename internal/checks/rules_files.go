package checks

import (
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// ruleFile is a generated PrometheusRule file, decoded once per input for
// every check that reads the rules' bytes (rules/parse, spec/escaping, the
// wiring checks).
type ruleFile struct {
	file *artifact.File
	pr   monitoringv1.PrometheusRule
	// strictErr is the error of a strict decode (unknown fields refused, as
	// the API server does): rules/parse reports it.
	strictErr error
	// ok reports that pr holds the file (decoded strictly, or leniently
	// when the strict decode failed).
	ok bool
	// groups indexes pr's groups by name (the first of a repeated name).
	groups map[string]*monitoringv1.RuleGroup
}

type ruleFileSet struct {
	list   []*ruleFile
	byPath map[string]*ruleFile
}

// isRuleFile reports whether f is a generated PrometheusRule file.
func isRuleFile(f *artifact.File) bool {
	return f.Role == artifact.Resource && strings.HasPrefix(f.Path, rules.Dir)
}

// ruleFiles returns the generated PrometheusRule files, decoded.
func decodeRuleFiles(in *Input) ruleFileSet {
	set := ruleFileSet{byPath: map[string]*ruleFile{}}
	for i := range in.Files {
		if f := &in.Files[i]; isRuleFile(f) {
			rf := &ruleFile{file: f}
			set.list = append(set.list, rf)
			set.byPath[f.Path] = rf
		}
	}
	parallel(len(set.list), func(i int) { set.list[i].decode() })
	return set
}

func (rf *ruleFile) decode() {
	rf.strictErr = yaml.UnmarshalStrict(rf.file.Data, &rf.pr)
	if rf.strictErr != nil {
		rf.pr = monitoringv1.PrometheusRule{}
		if yaml.Unmarshal(rf.file.Data, &rf.pr) != nil {
			return
		}
	}
	rf.ok = true
	rf.groups = make(map[string]*monitoringv1.RuleGroup, len(rf.pr.Spec.Groups))
	for i := range rf.pr.Spec.Groups {
		g := &rf.pr.Spec.Groups[i]
		if _, dup := rf.groups[g.Name]; !dup {
			rf.groups[g.Name] = g
		}
	}
}

// ruleObjects returns the generator's PrometheusRule objects (which group of
// which file comes from which spec path), built once per input.
func generatedRuleObjects(in *Input) []rules.Object {
	return rules.Objects(in.Spec)
}

// groupRef names a generated rule group: its file and its name.
type groupRef struct{ path, name string }

// groupsBySource maps the spec path of each generated group (a workload's
// path, extraRules."<group>") to the groups it produced.
func indexGroupsBySource(in *Input) map[string][]groupRef {
	out := map[string][]groupRef{}
	for _, o := range in.ruleObjects() {
		for _, g := range o.Groups {
			out[g.Source] = append(out[g.Source], groupRef{o.Path, g.Name})
		}
	}
	return out
}
