package checks

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// PromQL is the parser the checks use (the one promtool uses).
var PromQL = parser.NewParser(parser.Options{})

var rulesParse = Check{
	Name: "rules/parse",
	Doc:  "Every group of every generated PrometheusRule passes Prometheus's rulefmt.Parse: YAML shape, PromQL, durations, label names, templates.",
	Run: func(in *Input) diag.List {
		var out diag.List
		sources := ruleSources(in)
		for _, f := range in.Files {
			if f.Role != artifact.Resource || !strings.HasPrefix(f.Path, rules.Dir) {
				continue
			}
			var pr monitoringv1.PrometheusRule
			if err := yaml.UnmarshalStrict(f.Data, &pr); err != nil {
				out.Append(at(in, f.Source, "rules/parse", f.Path, "generated PrometheusRule does not decode: %v", err))
				continue
			}
			for _, g := range pr.Spec.Groups {
				data, err := yaml.Marshal(map[string]any{"groups": []monitoringv1.RuleGroup{g}})
				if err != nil {
					out.Append(at(in, f.Source, "rules/parse", f.Path, "%v", err))
					continue
				}
				_, errs := rulefmt.Parse(data, false, model.UTF8Validation, PromQL, slog.New(slog.DiscardHandler))
				for _, err := range errs {
					src := f.Source
					if s, ok := sources[g.Name]; ok {
						src = s.group
						if i := ruleIndex(err); i >= 0 && i < len(s.rules) {
							src = s.rules[i]
						}
					}
					out.Append(at(in, src, "rules/parse", f.Path, "group %q: %v", g.Name, cleanRuleErr(err)))
				}
			}
		}
		return out
	},
}

type groupSources struct {
	group string
	rules []string
}

// ruleSources maps group names to the spec paths of the group and its rules
// (an extra group's quoted as the positions are: extraRules."my-group").
func ruleSources(in *Input) map[string]groupSources {
	out := map[string]groupSources{}
	for _, r := range allRules(in) {
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
