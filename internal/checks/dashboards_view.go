package checks

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/loki"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
)

// viewDashboard is the checks' view (gDashboard) of an SDK dashboard
// (grafana-foundation-sdk/go/dashboard/types_gen.go: Dashboard, its
// PanelOrRowPanel list, VariableModel, AnnotationQuery). The SDK keeps a
// panel's queries as variants.Dataquery, an interface, and a variable's
// query as a StringOrMap: the view holds their text.
func viewDashboard(d *dashboard.Dashboard) gDashboard {
	var out gDashboard
	out.UID = deref(d.Uid)
	for _, p := range d.Panels {
		switch {
		case p.Panel != nil:
			out.Panels = append(out.Panels, viewPanel(p.Panel))
		case p.RowPanel != nil:
			r := p.RowPanel
			row := gPanel{ID: r.Id, Type: r.Type, Title: deref(r.Title), Datasource: r.Datasource}
			for i := range r.Panels {
				row.Panels = append(row.Panels, viewPanel(&r.Panels[i]))
			}
			out.Panels = append(out.Panels, row)
		}
	}
	for _, v := range d.Templating.List {
		out.Templating.List = append(out.Templating.List, gVariable{Name: v.Name, Type: string(v.Type), Datasource: v.Datasource, Query: variableText(v.Query)})
	}
	for _, a := range d.Annotations.List {
		out.Annotations.List = append(out.Annotations.List, gAnnotation{Name: a.Name, Datasource: a.Datasource})
	}
	return out
}

func viewPanel(p *dashboard.Panel) gPanel {
	out := gPanel{Type: p.Type, Title: deref(p.Title), Datasource: p.Datasource}
	if p.Id != nil {
		out.ID = *p.Id
	}
	for _, q := range p.Targets {
		out.Targets = append(out.Targets, viewTarget(q))
	}
	return out
}

// viewTarget reads a query the way the SDK holds it: the builders make
// values (prometheus.Dataquery, loki.Dataquery); the SDK's decoder
// (cog/runtime.go, the plugins' VariantConfig) pointers, or an
// UnknownDataquery map for a datasource type it has no plugin for. Any
// other type is a plugin's whose query the checks do not read.
func viewTarget(q variants.Dataquery) gTarget {
	switch q := q.(type) {
	case prometheus.Dataquery:
		return gTarget{RefID: deref(q.RefId), Datasource: q.Datasource, Expr: q.Expr}
	case *prometheus.Dataquery:
		return viewTarget(*q)
	case loki.Dataquery:
		return gTarget{RefID: deref(q.RefId), Datasource: q.Datasource, Expr: q.Expr}
	case *loki.Dataquery:
		return viewTarget(*q)
	case variants.UnknownDataquery:
		t := gTarget{RefID: str(q["refId"]), Expr: str(q["expr"]), Query: str(q["query"])}
		if ds, ok := q["datasource"].(map[string]any); ok {
			t.Datasource = &common.DataSourceRef{Type: strPtr(ds["type"]), Uid: strPtr(ds["uid"])}
		}
		return t
	}
	return gTarget{}
}

// variableText is a variable's query text: the string, or an object's
// "query" field.
func variableText(q *dashboard.StringOrMap) string {
	switch {
	case q == nil:
		return ""
	case q.String != nil:
		return *q.String
	default:
		return str(q.Map["query"])
	}
}

// str is v if it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

func strPtr(v any) *string {
	if s, ok := v.(string); ok {
		return &s
	}
	return nil
}
