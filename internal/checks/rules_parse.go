package checks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
		"(the bytes, strictly decoded: the one check of the rules' encoding, which must give back the generator's typed PrometheusRule; the others read " +
		"the typed rules, which every file must carry).",
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

// checkRuleFile is rules/parse on one file: the bytes, strictly decoded,
// pass rulefmt and give back the generator's typed PrometheusRule (the
// encoder check). The verdict is a function of the bytes and the typed
// rule, so a pair that passed in an earlier build (in.Passes) is not parsed
// again; a file without its typed rules is reported in every build.
func checkRuleFile(in *Input, f *artifact.File, sources func() map[string]groupSources, parse ruleParse) diag.List {
	var out diag.List
	o, typed := f.Value.(*rules.Object)
	if !typed || o == nil || o.Rule == nil {
		// The other rule checks read the typed rules only (rules_model.go):
		// without them, this file would pass them unseen.
		out.Append(at(in, f.Source, rulesParseName, f.Path, "generated PrometheusRule comes without its typed rules (artifact.File.Value): the rule checks cannot see it"))
		o = nil
	}
	var typedJSON []byte
	if o != nil {
		var err error
		if typedJSON, err = json.Marshal(typedRule(o)); err != nil {
			out.Append(at(in, f.Source, rulesParseName, f.Path, "the typed PrometheusRule does not encode: %v", err))
			return out
		}
	}
	pass := append(append(slices.Clip(f.Data), 0), typedJSON...)
	if in.passed(rulesParseName, pass) {
		return out
	}
	rf := decodeRuleFile(f)
	found := parseRuleFile(in, rf, sources(), parse)
	if found == nil && o != nil {
		// Equal JSON is equal values (the same types, maps sorted); the
		// comparison that says where they differ runs only when it is not.
		if decoded, err := json.Marshal(&rf.pr); err != nil || !bytes.Equal(decoded, typedJSON) {
			found = ruleEncodingProblems(in, f, o, &rf.pr)
		}
	}
	if found == nil {
		in.pass(rulesParseName, pass)
	}
	out.Append(found...)
	return out
}

// typedRule is the PrometheusRule the checks read: o's object with the
// groups the other checks read (o.Groups, with their spec paths), which the
// bytes must say. Its JSON is also in the pass key: the verdict depends on
// the bytes and on it.
func typedRule(o *rules.Object) *monitoringv1.PrometheusRule {
	r := *o.Rule
	r.Spec.Groups = make([]monitoringv1.RuleGroup, len(o.Groups))
	for i, g := range o.Groups {
		r.Spec.Groups[i] = g.RuleGroup
	}
	return &r
}

// ruleEncodingProblems compares the decoded PrometheusRule pr with the
// generator's o (typedRule), each difference at the spec path of the rule
// or group it is in (the file's for the object's metadata).
func ruleEncodingProblems(in *Input, f *artifact.File, o *rules.Object, pr *monitoringv1.PrometheusRule) diag.List {
	var out diag.List
	problem := func(source, format string, args ...any) {
		out.Append(at(in, source, rulesParseName, f.Path, "the generated PrometheusRule is not what its generator made: "+format, args...))
	}
	want, got := *o.Rule, *pr
	want.Spec.Groups, got.Spec.Groups = nil, nil
	if err := sameJSON(&want, &got); err != nil {
		problem(f.Source, "%v", err)
	}
	if len(pr.Spec.Groups) != len(o.Groups) {
		problem(f.Source, "the bytes have %d groups, the typed rules %d", len(pr.Spec.Groups), len(o.Groups))
		return out
	}
	for i, g := range o.Groups {
		dg := pr.Spec.Groups[i]
		if len(dg.Rules) != len(g.Rules) {
			problem(g.Source, "group %q: the bytes have %d rules, the typed group %d", g.Name, len(dg.Rules), len(g.Rules))
			continue
		}
		for j := range g.Rules {
			if err := sameJSON(&g.Rules[j], &dg.Rules[j]); err != nil {
				src := g.Source
				if j < len(g.RuleSources) && g.RuleSources[j] != "" {
					src = g.RuleSources[j]
				}
				problem(src, "group %q, rule %d: %v", g.Name, j, err)
			}
		}
		wg := g.RuleGroup
		wg.Rules, dg.Rules = nil, nil
		if err := sameJSON(&wg, &dg); err != nil {
			problem(g.Source, "group %q: %v", g.Name, err)
		}
	}
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
