package checks

import (
	"errors"
	"slices"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"

	"github.com/dataopsgen/dataopsgen/generators/dashboards"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// The dashboards as the generator made them: the dashboards generator sets
// the Value of each dashboard file to its *dashboards.Object (the
// grafana-foundation-sdk dashboard.Dashboard it marshalled, with what each
// panel shows), and internal/build keeps it for the checks. The checks read
// the view below, built from that object (dashboards_view.go), rather than
// decoding the bytes just encoded; dashboards/parse alone decodes the
// bytes, and holds them to the same view, so that the encoder is verified
// too.

// gDashboard is the part of a dashboard the checks read.
type gDashboard struct {
	UID        string
	Panels     []gPanel
	Templating struct {
		List []gVariable
	}
	Annotations struct {
		List []gAnnotation
	}
}

// The datasource references are the SDK's common.DataSourceRef
// (grafana-foundation-sdk/go/common/types_gen.go): a type and a uid, both
// optional.

type gPanel struct {
	ID         uint32
	Type       string
	Title      string
	Datasource *common.DataSourceRef
	Targets    []gTarget
	// Panels of a collapsed row.
	Panels []gPanel
}

type gTarget struct {
	RefID      string
	Datasource *common.DataSourceRef
	Expr       string
	// Query is the query text of a datasource that names it "query".
	Query string
}

type gVariable struct {
	Name       string
	Type       string
	Datasource *common.DataSourceRef
	// Query is the variable's query text: its string query, or the "query"
	// field of an object one.
	Query string
}

type gAnnotation struct {
	Name       string
	Datasource *common.DataSourceRef
}

// queries returns the query texts of a target (expr, or a query).
func (t gTarget) queries() []string {
	var out []string
	if t.Expr != "" {
		out = append(out, t.Expr)
	}
	if t.Query != "" {
		out = append(out, t.Query)
	}
	return out
}

// query returns the query text of a variable.
func (v gVariable) query() string { return v.Query }

// dsRef is a datasource reference, set when it names a type or a uid. (A
// dashboard may also name a datasource by a bare string, a name or uid:
// the SDK's type cannot, so no generated dashboard does.)
type dsRef struct {
	Type string
	UID  string
	set  bool
}

func parseDSRef(r *common.DataSourceRef) dsRef {
	if r == nil {
		return dsRef{}
	}
	out := dsRef{Type: deref(r.Type), UID: deref(r.Uid)}
	out.set = out.UID != "" || out.Type != ""
	return out
}

// deref is *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// dashPanel is a panel with the spec path it comes from.
type dashPanel struct {
	*gPanel
	// source is where a problem of the panel is reported: the first spec
	// path of what the generator says it shows (dashboards.Source), else
	// the file's.
	source string
	// extra: the panel is the user's (an extraPanels entry).
	extra bool
}

type dashFile struct {
	file *artifact.File
	// obj is the generator's typed dashboard (nil when the file came
	// without it: err says so, and dashboards/parse reports it).
	obj    *dashboards.Object
	d      gDashboard
	err    error
	panels []dashPanel
	vars   map[string]gVariable
}

// typedDashboards returns every generated dashboard file, in file order,
// with the view of its typed dashboard, each panel attributed to the spec
// path the generator says it shows (its Source's first path), else to the
// file's source.
func typedDashboards(in *Input) []*dashFile {
	var out []*dashFile
	for i := range in.Files {
		f := &in.Files[i]
		if !isDashboardFile(f) {
			continue
		}
		df := &dashFile{file: f, vars: map[string]gVariable{}}
		out = append(out, df)
		o, ok := f.Value.(*dashboards.Object)
		if !ok {
			df.err = errUntypedDashboard
			continue
		}
		df.obj, df.d = o, viewDashboard(&o.Dashboard)
		for _, v := range df.d.Templating.List {
			df.vars[v.Name] = v
		}
		var walk func(ps []gPanel)
		walk = func(ps []gPanel) {
			for j := range ps {
				p := &ps[j]
				dp := dashPanel{gPanel: p, source: f.Source}
				if src, ok := o.Panels[p.ID]; ok && src.Primary() != "" {
					dp.source, dp.extra = src.Primary(), src.User
				}
				df.panels = append(df.panels, dp)
				walk(p.Panels)
			}
		}
		walk(df.d.Panels)
	}
	return out
}

// errUntypedDashboard: a dashboard file without its typed value, which the
// checks of the typed dashboards cannot see.
var errUntypedDashboard = errors.New("generated dashboard comes without its typed dashboard (artifact.File.Value): the dashboard checks cannot see it")

// isDashboardFile: f is a generated dashboard (a ConfigMap key under
// dashboards.Dir).
func isDashboardFile(f *artifact.File) bool {
	return f.Role == artifact.ConfigMapData && strings.HasPrefix(f.Path, dashboards.Dir) && strings.HasSuffix(f.Path, ".json")
}

// sub is a spec path below a panel's source; only the user's panels have
// fields of their own.
func (p dashPanel) sub(field string) string {
	if p.extra {
		return p.source + "." + field
	}
	return p.source
}

// provisionedDS is a datasource the values provision.
type provisionedDS struct{ uid, typ, name string }

// provisionedDatasources lists what Grafana is provisioned with: the chart's
// Prometheus and Alertmanager datasources and additionalDataSources.
func provisionedDatasources(v kpsValues) []provisionedDS {
	ds := v.Grafana.Sidecar.Datasources
	out := []provisionedDS{{uid: wiringStrOr(ds.UID, chartPrometheusDSUID), typ: "prometheus", name: "Prometheus"}}
	if ds.Alertmanager.Enabled == nil || *ds.Alertmanager.Enabled {
		out = append(out, provisionedDS{uid: wiringStrOr(ds.Alertmanager.UID, chartAlertmanagerDSUID), typ: "alertmanager", name: "Alertmanager"})
	}
	for _, a := range v.Grafana.AdditionalDataSources {
		out = append(out, provisionedDS{uid: a.UID, typ: a.Type, name: a.Name})
	}
	return out
}

// Grafana's built-in pseudo datasources.
var builtinDatasources = []string{"-- Grafana --", "grafana", "-- Mixed --", "-- Dashboard --"}

// resolveDS finds the provisioned datasource a reference means. ok is false
// for an unknown uid; builtin is true for Grafana's pseudo datasources and
// for references through a datasource variable.
func resolveDS(provisioned []provisionedDS, r dsRef) (p provisionedDS, builtin, ok bool) {
	if slices.Contains(builtinDatasources, r.UID) || r.Type == "grafana" || r.Type == "datasource" {
		return p, true, true
	}
	if r.UID == "" {
		// Only a type: Grafana picks the default datasource of that type.
		for _, d := range provisioned {
			if d.typ == r.Type {
				return d, false, true
			}
		}
		return p, false, false
	}
	for _, d := range provisioned {
		if d.uid == r.UID {
			return d, false, true
		}
	}
	if r.Type == "" { // a legacy reference by name
		for _, d := range provisioned {
			if d.name == r.UID {
				return d, false, true
			}
		}
	}
	return p, false, false
}

// dashboardsAndValues returns the dashboards and the values that provision
// the Grafana they go to, or nil when there are no dashboards, or no values
// (or values that do not decode) to hold them against.
func dashboardsAndValues(in *Input) ([]*dashFile, parsedValues) {
	dfs := in.dashboards()
	pv := in.values()
	if len(dfs) == 0 || pv.file == nil || pv.err != nil {
		return nil, parsedValues{}
	}
	return dfs, pv
}
