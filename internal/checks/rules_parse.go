package checks

import (
	"errors"
	"fmt"
	"sync"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

const rulesParseName = "rules/parse"

// PromQL is the parser the checks use (the one promtool uses).
var PromQL = parser.NewParser(parser.Options{})

var rulesParse = Check{
	Name: rulesParseName,
	Doc: "Every group of every generated PrometheusRule passes Prometheus's rulefmt.Parse: YAML shape, PromQL, durations, label names, templates " +
		"(the bytes, strictly decoded: the one check of the rules' encoding; the others read the generator's typed rules, which every file must carry).",
	Run: func(in *Input) diag.List {
		// The spec paths of the groups and rules are only needed to place
		// a problem: made once, by the first file parsed (none when every
		// file passed in an earlier build).
		sources := sync.OnceValue(func() map[string]groupSources { return ruleSources(in) })
		files := ruleFilesOf(in)
		rp := newRuleParser()
		results := make([]diag.List, len(files))
		parallel(len(files), func(i int) { results[i] = checkRuleFile(in, files[i], sources, rp.parse) })
		var out diag.List
		for _, r := range results {
			out.Append(r...)
		}
		return out
	},
}

// checkRuleFile is rules/parse on one file. The verdict on the bytes is a
// function of the bytes alone (the strict decode and rulefmt), so bytes
// that passed in an earlier build (in.Passes) are not parsed again; the
// typed rules are looked for in every build, since they are not bytes.
func checkRuleFile(in *Input, f *artifact.File, sources func() map[string]groupSources, parse ruleParse) diag.List {
	var out diag.List
	if _, typed := f.Value.(*rules.Object); !typed {
		// The other rule checks read the typed rules only (rules_model.go):
		// without them, this file would pass them unseen.
		out.Append(at(in, f.Source, rulesParseName, f.Path, "generated PrometheusRule comes without its typed rules (artifact.File.Value): the rule checks cannot see it"))
	}
	if in.passed(rulesParseName, f.Data) {
		return out
	}
	found := parseRuleFile(in, decodeRuleFile(f), sources(), parse)
	if found == nil {
		in.pass(rulesParseName, f.Data)
	}
	out.Append(found...)
	return out
}

// parseRuleFile validates the bytes of one PrometheusRule the way the
// prometheus-operator does before it hands the rules to Prometheus: its
// spec, marshalled to YAML, must pass rulefmt.Parse (once per object, so
// that a group name repeated in the object is refused as Prometheus refuses
// it). When the YAML does not even decode (a bad duration), rulefmt stops
// at the first error: the groups are then parsed one by one, so that each
// broken group is reported and the others still validated.
//
// parse is rulefmt.Parse (ruleParser.parse; the tests pass rulefmt.Parse
// itself).
func parseRuleFile(in *Input, rf *ruleFile, sources map[string]groupSources, parse ruleParse) diag.List {
	var out diag.List
	f := rf.file
	if rf.strictErr != nil {
		out.Append(at(in, f.Source, "rules/parse", f.Path, "generated PrometheusRule does not decode: %v", rf.strictErr))
		return out
	}
	data, err := artifact.YAML(rf.pr.Spec)
	if err != nil {
		out.Append(at(in, f.Source, "rules/parse", f.Path, "%v", err))
		return out
	}
	parsed, errs := parse(data)
	if parsed == nil && len(errs) > 0 {
		for _, g := range rf.pr.Spec.Groups {
			data, err := artifact.YAML(map[string]any{"groups": []monitoringv1.RuleGroup{g}})
			if err != nil {
				out.Append(at(in, f.Source, "rules/parse", f.Path, "%v", err))
				continue
			}
			_, errs := parse(data)
			for _, err := range errs {
				out.Append(ruleErr(in, f, sources, g.Name, err))
			}
		}
		return out
	}
	for _, err := range errs {
		if e, ok := err.(*rulefmt.Error); ok {
			out.Append(ruleErr(in, f, sources, e.Group, err))
		} else {
			out.Append(at(in, f.Source, "rules/parse", f.Path, "%v", err))
		}
	}
	return out
}

// ruleParse parses and validates the bytes of a rule file.
type ruleParse func(data []byte) (*rulefmt.RuleGroups, []error)

// ruleErr reports a rulefmt error of group at the spec path of the rule (or
// group) it is about.
func ruleErr(in *Input, f *artifact.File, sources map[string]groupSources, group string, err error) diag.Diagnostic {
	src := f.Source
	if s, ok := sources[group]; ok {
		src = s.group
		if i := ruleIndex(err); i >= 0 && i < len(s.rules) {
			src = s.rules[i]
		}
	}
	return at(in, src, "rules/parse", f.Path, "group %q: %v", group, cleanRuleErr(err))
}

type groupSources struct {
	group string
	rules []string
}

// ruleSources maps group names to the spec paths of the group and its rules
// (an extra group's quoted as the positions are: extraRules."my-group").
func ruleSources(in *Input) map[string]groupSources {
	out := map[string]groupSources{}
	for _, r := range in.rules() {
		s := out[r.Group]
		s.group = r.GroupSource
		s.rules = append(s.rules, r.Source)
		out[r.Group] = s
	}
	return out
}

// ruleIndex extracts the rule number from a rulefmt error ("... rule 2: ...").
func ruleIndex(err error) int {
	if e, ok := err.(*rulefmt.Error); ok {
		return e.Rule - 1
	}
	return -1
}

func cleanRuleErr(err error) string {
	if e, ok := err.(*rulefmt.Error); ok {
		name := e.RuleName
		if name == "" {
			name = fmt.Sprintf("rule %d", e.Rule)
		}
		var inner error = e
		if u := errors.Unwrap(e.Unwrap()); u != nil {
			inner = u
		}
		return fmt.Sprintf("%s: %v", name, inner)
	}
	return err.Error()
}
