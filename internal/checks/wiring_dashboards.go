package checks

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/dataopsgen/dataopsgen/generators/dashboards"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// Grafana dashboard JSON, the part the checks read.
type gDashboard struct {
	UID        string   `json:"uid"`
	Panels     []gPanel `json:"panels"`
	Templating struct {
		List []gVariable `json:"list"`
	} `json:"templating"`
	Annotations struct {
		List []struct {
			Name       string          `json:"name"`
			Datasource json.RawMessage `json:"datasource"`
		} `json:"list"`
	} `json:"annotations"`
}

type gPanel struct {
	ID         uint32          `json:"id"`
	Type       string          `json:"type"`
	Title      string          `json:"title"`
	Datasource json.RawMessage `json:"datasource"`
	Targets    []gTarget       `json:"targets"`
	// Panels of a collapsed row.
	Panels []gPanel `json:"panels"`
}

type gTarget struct {
	RefID      string          `json:"refId"`
	Datasource json.RawMessage `json:"datasource"`
	Expr       string          `json:"expr"`
	Query      json.RawMessage `json:"query"`
}

type gVariable struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Datasource json.RawMessage `json:"datasource"`
	Query      json.RawMessage `json:"query"`
}

// queries returns the query texts of a target (expr, or a string query).
func (t gTarget) queries() []string {
	var out []string
	if t.Expr != "" {
		out = append(out, t.Expr)
	}
	var q string
	if wiringRawJSON(t.Query, &q) && q != "" {
		out = append(out, q)
	}
	return out
}

// query returns the query text of a variable: a string, or the "query"
// field of an object.
func (v gVariable) query() string {
	var s string
	if wiringRawJSON(v.Query, &s) {
		return s
	}
	var o struct {
		Query string `json:"query"`
	}
	if wiringRawJSON(v.Query, &o) {
		return o.Query
	}
	return ""
}

// dsRef is a datasource reference: an object {type, uid}, or a legacy
// string (a name or uid).
type dsRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
	set  bool
}

func parseDSRef(raw json.RawMessage) dsRef {
	var s string
	if wiringRawJSON(raw, &s) {
		return dsRef{UID: s, set: s != ""}
	}
	var r dsRef
	if wiringRawJSON(raw, &r) {
		r.set = r.UID != "" || r.Type != ""
	}
	return r
}

// dashPanel is a panel with the spec path it comes from.
type dashPanel struct {
	*gPanel
	// source is where the generator says the panel comes from
	// (extraPanels.<i> for the user's panels), else the file's.
	source string
	extra  bool
}

type dashFile struct {
	file   *artifact.File
	d      gDashboard
	err    error
	panels []dashPanel
	vars   map[string]gVariable
}

// parseDashboards parses every generated dashboard and attributes each
// panel to the spec path the generator says it comes from (the file's
// dashboards.Provenance, by panel id), else to the file's source.
func parseDashboards(in *Input) []*dashFile {
	var out []*dashFile
	for i := range in.Files {
		f := &in.Files[i]
		if f.Role != artifact.ConfigMapData || !strings.HasPrefix(f.Path, dashboards.Dir) || !strings.HasSuffix(f.Path, ".json") {
			continue
		}
		df := &dashFile{file: f, vars: map[string]gVariable{}}
		out = append(out, df)
		if df.err = json.Unmarshal(f.Data, &df.d); df.err != nil {
			continue
		}
		for _, v := range df.d.Templating.List {
			df.vars[v.Name] = v
		}
		var sources map[uint32]string
		if prov, ok := f.Value.(*dashboards.Provenance); ok {
			sources = prov.Panels
		}
		var walk func(ps []gPanel)
		walk = func(ps []gPanel) {
			for j := range ps {
				p := &ps[j]
				dp := dashPanel{gPanel: p, source: f.Source}
				if src, ok := sources[p.ID]; ok {
					dp.source, dp.extra = src, true
				}
				df.panels = append(df.panels, dp)
				walk(p.Panels)
			}
		}
		walk(df.d.Panels)
	}
	return out
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
