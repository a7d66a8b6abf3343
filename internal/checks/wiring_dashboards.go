package checks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dataopsgen/dataopsgen/generators/dashboards"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
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
	// source is extraPanels.<i> for the user's panels, else the file's.
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

// parseDashboards parses every generated dashboard and attributes its
// panels: the spec's extraPanels are appended in order, so they are matched
// in order by title and query.
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
		next := 0
		var walk func(ps []gPanel)
		walk = func(ps []gPanel) {
			for j := range ps {
				p := &ps[j]
				dp := dashPanel{gPanel: p, source: f.Source}
				if next < len(in.Spec.ExtraPanels) && p.Type != "row" {
					ep := in.Spec.ExtraPanels[next]
					if p.Title == ep.Title && len(p.Targets) > 0 && slices.Contains(p.Targets[0].queries(), ep.Expr) {
						dp.source, dp.extra = load.PathString("extraPanels", fmt.Sprint(next)), true
						next++
					}
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

var wiringDashboardSidecar = Check{
	Name: "wiring/dashboard-sidecar",
	Doc: "Each dashboard ConfigMap, as the kustomization generates it, carries the label and value the Grafana sidecar of the generated values watches, " +
		"the folder annotation it reads, lives in a namespace the sidecar searches, and stays under Kubernetes' 1 MiB object limit.",
	Run: func(in *Input) (out diag.List) {
		const check = "wiring/dashboard-sidecar"
		const src = "stack.grafana"
		dfs := in.dashboards()
		if len(dfs) == 0 {
			return nil
		}
		pv := in.values()
		if pv.file == nil || pv.err != nil {
			return nil
		}
		sc := pv.v.Grafana.Sidecar.Dashboards
		label, value := wiringStrOr(sc.Label, chartDashboardLabel), wiringStrOr(sc.LabelValue, chartDashboardLabelValue)
		if sc.Enabled != nil && !*sc.Enabled {
			return append(out, at(in, src, check, pv.file.Path, "the values disable the Grafana dashboard sidecar: no dashboard is ever loaded"))
		}
		for _, df := range dfs {
			f := df.file
			e, _ := generatorOf(in, f.Path)
			if e == nil || e.secret {
				out.Append(at(in, f.Source, check, f.Path, "dashboard %s is in no configMapGenerator: the sidecar never sees it", f.Path))
				continue
			}
			files := []string{f.Path, e.layer.file.Path, pv.file.Path}
			opts := e.options()
			name := e.args.Name
			if got, ok := opts.Labels[label]; !ok || got != value {
				have := "no such label"
				if ok {
					have = fmt.Sprintf("%s=%q", label, got)
				}
				out.Append(atGenerated(in, src, check, files,
					"dashboard ConfigMap %s has %s, but the Grafana sidecar loads only ConfigMaps labelled %s=%q", name, have, label, value))
			}
			if sc.FolderAnnotation == nil || *sc.FolderAnnotation == "" {
				out.Append(atGenerated(in, "stack.grafana.folder", check, files,
					"the values set no sidecar folderAnnotation: the dashboards' folder %q is ignored", in.Spec.Stack.Grafana.Folder))
			} else if got := opts.Annotations[*sc.FolderAnnotation]; got != in.Spec.Stack.Grafana.Folder {
				out.Append(atGenerated(in, "stack.grafana.folder", check, files,
					"dashboard ConfigMap %s has folder annotation %s=%q, want the spec's folder %q", name, *sc.FolderAnnotation, got, in.Spec.Stack.Grafana.Folder))
			}
			ns := effectiveNamespace(in, e.layer.file.Path, "")
			if !sidecarSearches(sc.SearchNamespace, ns, in.Spec.Stack.Namespace) {
				out.Append(atGenerated(in, src, check, files,
					"dashboard ConfigMap %s is in namespace %q, which the sidecar (searchNamespace %v) does not search", name, ns, searchNamespaceText(sc.SearchNamespace)))
			}
			if size, err := configMapSize(in, e, ns); err != nil {
				out.Append(at(in, f.Source, check, f.Path, "dashboard ConfigMap %s does not render: %v", name, err))
			} else if size > maxObjectBytes {
				out.Append(at(in, f.Source, check, f.Path,
					"dashboard ConfigMap %s would be %d bytes, over Kubernetes' 1 MiB (%d bytes) limit: the API server refuses it; split the panels over several dashboards",
					name, size, maxObjectBytes))
			}
		}
		return out
	},
}

// maxObjectBytes is the ConfigMap size limit (data and object alike).
const maxObjectBytes = 1 << 20

// configMapSize renders the generated ConfigMap the way kustomize does and
// returns its size in bytes.
func configMapSize(in *Input, e *generatorEntry, ns string) (int, error) {
	o := e.options()
	cm := corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: e.args.Name, Namespace: ns, Labels: o.Labels, Annotations: o.Annotations},
		Data:       map[string]string{},
	}
	for _, s := range e.sources {
		f := in.File(s.path)
		if f == nil {
			return 0, fmt.Errorf("%s is not generated", s.path)
		}
		cm.Data[s.key] = string(f.Data)
	}
	data, err := artifact.YAML(cm)
	if err != nil {
		return 0, err
	}
	return len(data), nil
}

func wiringStrOr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

// sidecarSearches reports whether the dashboard sidecar watches namespace
// ns: searchNamespace unset means Grafana's own (the stack's) namespace.
func sidecarSearches(search any, ns, own string) bool {
	var names []string
	switch s := search.(type) {
	case nil:
		names = []string{own}
	case string:
		if s == "" {
			names = []string{own}
		}
		for _, n := range strings.Split(s, ",") {
			names = append(names, strings.TrimSpace(n))
		}
	case []any:
		for _, n := range s {
			names = append(names, fmt.Sprint(n))
		}
	}
	return slices.Contains(names, "ALL") || slices.Contains(names, ns)
}

func searchNamespaceText(search any) string {
	if search == nil {
		return "unset: Grafana's namespace"
	}
	return fmt.Sprintf("%v", search)
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

var wiringDatasource = Check{
	Name: "wiring/datasource",
	Doc: "Every datasource a dashboard uses (panels, targets, variables, annotations) is one the generated values provision — the chart's `prometheus` and " +
		"`alertmanager` uids, or an `additionalDataSources` uid — and of the type the dashboard expects.",
	Run: func(in *Input) (out diag.List) {
		const check = "wiring/datasource"
		dfs := in.dashboards()
		if len(dfs) == 0 {
			return nil
		}
		pv := in.values()
		if pv.file == nil || pv.err != nil {
			return nil
		}
		prov := provisionedDatasources(pv.v)
		var uids []string
		for _, p := range prov {
			uids = append(uids, p.uid)
		}
		for _, df := range dfs {
			if df.err != nil {
				out.Append(at(in, df.file.Source, check, df.file.Path, "dashboard JSON does not decode: %v", df.err))
				continue
			}
			files := []string{df.file.Path, pv.file.Path}
			checkRef := func(source, where string, raw json.RawMessage) {
				r := parseDSRef(raw)
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
