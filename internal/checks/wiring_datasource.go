package checks

import (
	"fmt"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var wiringDatasource = Check{
	Name: "wiring/datasource",
	Doc: "Every datasource a dashboard uses (panels, targets, variables, annotations) is one the generated values provision — the chart's `prometheus` and " +
		"`alertmanager` uids, or an `additionalDataSources` uid — and of the type the dashboard expects.",
	Run: func(in *Input) (out diag.List) {
		const check = "wiring/datasource"
		dfs, pv := dashboardsAndValues(in)
		if dfs == nil {
			return nil
		}
		prov := provisionedDatasources(pv.v)
		var uids []string
		for _, p := range prov {
			uids = append(uids, p.uid)
		}
		for _, df := range dfs {
			if df.err != nil {
				continue // dashboards/parse reports it
			}
			files := []string{df.file.Path, pv.file.Path}
			checkRef := func(source, where string, ref *common.DataSourceRef) {
				r := parseDSRef(ref)
				if !r.set {
					return
				}
				if name, ok := dsVariable(r.UID); ok {
					if v, def := df.vars[name]; !def || v.Type != "datasource" {
						out.Append(atGenerated(in, source, check, files, "%s uses datasource ${%s}, which is not a datasource variable of the dashboard", where, name))
					}
					return
				}
				p, builtin, ok := resolveDS(prov, r)
				switch {
				case builtin:
				case !ok:
					out.Append(atGenerated(in, source, check, files,
						"%s uses datasource uid %q, which Grafana is not provisioned with (provisioned: %s)", where, r.UID, strings.Join(uids, ", ")))
				case r.Type != "" && r.Type != p.typ:
					out.Append(atGenerated(in, source, check, files,
						"%s uses datasource uid %q as type %q, but it is provisioned as type %q", where, r.UID, r.Type, p.typ))
				}
			}
			for _, p := range df.panels {
				where := fmt.Sprintf("panel %q", p.Title)
				checkRef(p.sub("datasource"), where, p.Datasource)
				for _, t := range p.Targets {
					checkRef(p.sub("datasource"), fmt.Sprintf("%s query %s", where, t.RefID), t.Datasource)
				}
			}
			for _, v := range df.d.Templating.List {
				checkRef(df.file.Source, fmt.Sprintf("variable %q", v.Name), v.Datasource)
			}
			for _, a := range df.d.Annotations.List {
				checkRef(df.file.Source, fmt.Sprintf("annotation %q", a.Name), a.Datasource)
			}
		}
		return out
	},
}

// dsVariable returns the variable a datasource uid refers to ($ds, ${ds}).
func dsVariable(uid string) (string, bool) {
	if !strings.HasPrefix(uid, "$") {
		return "", false
	}
	refs := grafanaVarRefs(uid)
	if len(refs) != 1 {
		return "", false
	}
	return refs[0], true
}
