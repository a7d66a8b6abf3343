package checks

import (
	"maps"
	"slices"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var rulesDuplicate = Check{
	Name: "rules/duplicate",
	Doc: "No two alerts (or recording rules) of a group share a name and labels (promtool's duplicate-rule lint: Prometheus " +
		"evaluates both and Alertmanager sees one alert flapping between them); no two PrometheusRules define a group of one name.",
	Run: func(in *Input) diag.List {
		var out diag.List
		groups := map[string]*ruleRef{}
		type key struct{ group, kind, name, labels string }
		seen := map[key]*ruleRef{}
		for _, r := range in.rules() {
			if first, ok := groups[r.Group]; ok && first.File != r.File {
				out.Append(at(in, r.GroupSource, "rules/duplicate", r.File,
					"rule group %q is also defined in %s: group names must be unique", r.Group, first.File))
			} else if !ok {
				groups[r.Group] = r
			}
			k := key{r.Group, r.Kind(), r.Name(), labelKey(r.Rule.Labels)}
			if first, ok := seen[k]; ok {
				out.Append(at(in, r.Source, "rules/duplicate", r.File,
					"%s is defined twice in group %q with the same labels (rules %d and %d); rename one or give them different labels",
					r.What(), r.Group, first.Index, r.Index))
				continue
			}
			seen[k] = r
		}
		return out
	},
}

func labelKey(l map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(l)) {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(l[k])
		b.WriteByte(0)
	}
	return b.String()
}
