package checks

import (
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/checks/catalog"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var rulesTemplateLabels = Check{
	Name: "rules/template-labels",
	Doc: "A label or annotation template of an alert reads `$labels.x` only if the alert's series can carry label x, as inferred " +
		"from its expression (aggregation `by`/`without`, `on`/`ignoring`, `group_left`, `absent()`, `label_replace`, " +
		"`histogram_quantile`, ...) and the metric catalog (the seed's `$labels.restart_count` after `sum by (namespace, pod)`).",
	Run: func(in *Input) diag.List {
		var out diag.List
		cat := in.metricCatalog()
		inferred := map[*ruleRef]catalog.Labels{}
		for _, t := range in.alertTemplates() {
			refs := t.refs
			if t.rule.Expr == nil || len(refs) == 0 {
				continue
			}
			l, ok := inferred[t.rule]
			if !ok {
				l = cat.Infer(t.rule.Expr)
				inferred[t.rule] = l
			}
			seen := map[string]bool{}
			for _, ref := range refs {
				if l.Has(ref.name) || seen[ref.name] {
					continue
				}
				seen[ref.name] = true
				carry := "no labels"
				if names := l.Sorted(); len(names) > 0 {
					carry = "only " + strings.Join(names, ", ")
				}
				hint := ""
				if _, isRuleLabel := t.rule.Rule.Labels[ref.name]; isRuleLabel {
					hint = "; the rule's own labels are not in $labels"
				}
				out.Append(at(in, t.source(), "rules/template-labels", t.rule.File,
					"%s: %s reads %s, but the alert's series never carry label %s (they carry %s)%s",
					t.rule.What(), t.field, ref.text, ref.name, carry, hint))
			}
		}
		return out
	},
}
