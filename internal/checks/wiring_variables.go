package checks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// grafanaVarRe is Grafana's own variable syntax (public/app/features/
// variables/utils.ts): $var, [[var]], [[var:fmt]], ${var}, ${var.field},
// ${var:fmt}.
var grafanaVarRe = regexp.MustCompile(`\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?\}`)

// grafanaVarRefs returns the variable names referenced in s, in order.
// Names starting with a digit ($1 in a label_replace replacement) are not
// variables Grafana could define, and are left alone (as Grafana does).
func grafanaVarRefs(s string) []string {
	var out []string
	for _, m := range grafanaVarRe.FindAllStringSubmatch(s, -1) {
		name := m[1] + m[2] + m[4]
		if name == "" || (name[0] >= '0' && name[0] <= '9') {
			continue
		}
		out = append(out, name)
	}
	return out
}

// grafanaBuiltins are the variables Grafana defines itself.
var grafanaBuiltins = []string{
	"__rate_interval", "__rate_interval_ms", "__interval", "__interval_ms",
	"__range", "__range_s", "__range_ms", "__auto",
	"__from", "__to", "__name", "__all",
	"__dashboard", "__org", "__user", "__timezone", "__url_time_range",
}

var wiringDashboardVariables = Check{
	Name: "wiring/dashboard-variables",
	Doc: "Every `$var`, `${var}` or `[[var]]` in a panel query or a variable query is a variable the dashboard defines in `templating`, or one of " +
		"Grafana's built-ins (`$__rate_interval`, `$__interval`, `$__range`, `$__auto`, `$__from`, `$__to`, …): an undefined one is sent as literal text.",
	Run: func(in *Input) (out diag.List) {
		const check = "wiring/dashboard-variables"
		for _, df := range in.dashboards() {
			if df.err != nil {
				continue // dashboards/parse reports it
			}
			defined := func(name string) bool {
				_, ok := df.vars[name]
				return ok || slices.Contains(grafanaBuiltins, name)
			}
			var names []string
			for _, v := range df.d.Templating.List {
				names = append(names, "$"+v.Name)
			}
			known := "none"
			if len(names) > 0 {
				known = strings.Join(names, ", ")
			}
			report := func(source, where, name string) {
				if strings.HasPrefix(name, "__") {
					out.Append(at(in, source, check, df.file.Path, "%s uses $%s, which is not a Grafana built-in variable", where, name))
					return
				}
				out.Append(at(in, source, check, df.file.Path,
					"%s uses $%s, which the dashboard does not define (variables: %s): Grafana sends it as literal text", where, name, known))
			}
			for _, p := range df.panels {
				for _, t := range p.Targets {
					for _, q := range t.queries() {
						for _, name := range wiringUniq(grafanaVarRefs(q)) {
							if !defined(name) {
								report(p.sub("expr"), fmt.Sprintf("panel %q", p.Title), name)
							}
						}
					}
				}
			}
			for _, v := range df.d.Templating.List {
				for _, name := range wiringUniq(grafanaVarRefs(v.query())) {
					if !defined(name) || name == v.Name {
						if name == v.Name {
							out.Append(at(in, df.file.Source, check, df.file.Path, "variable %q refers to itself in its query", v.Name))
							continue
						}
						report(df.file.Source, fmt.Sprintf("variable %q", v.Name), name)
					}
				}
			}
		}
		return out
	},
}

func wiringUniq(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
