package render

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
)

// container is the part of a rendered container the checks read.
type container struct {
	Name string   `json:"name"`
	Args []string `json:"args"`
	Env  []struct {
		Name      string         `json:"name"`
		Value     string         `json:"value"`
		ValueFrom map[string]any `json:"valueFrom"`
	} `json:"env"`
}

func (c container) env(name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// podContainers returns the containers of a workload's pod template.
func podContainers(t *testing.T, o *harness.Object) []container {
	t.Helper()
	var cs []container
	if err := remarshal(field(o.Object, "spec", "template", "spec", "containers"), &cs); err != nil {
		t.Fatalf("%s: %v", o, err)
	}
	return cs
}

// findContainer returns the workload of kind whose pod has a container of
// name, and that container.
func findContainer(t *testing.T, objs []*harness.Object, kind, name string) (*harness.Object, container) {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() != kind {
			continue
		}
		for _, c := range podContainers(t, o) {
			if c.Name == name {
				return o, c
			}
		}
	}
	t.Fatalf("no %s with a container %s among the rendered objects", kind, name)
	return nil, container{}
}

// checkGrafana: the dashboard sidecar of the Grafana the chart renders
// (its grafana-sc-dashboard container's LABEL, LABEL_VALUE, NAMESPACE,
// FOLDER_ANNOTATION: grafana chart templates/_pod.tpl) picks up every
// dashboard ConfigMap of the overlay, and every datasource a dashboard
// uses is one the datasource sidecar provisions (the ConfigMaps and
// Secrets labelled as its grafana-sc-datasources container watches), of
// the type the dashboard expects.
func checkGrafana(t *testing.T, d *deployment) {
	kps := d.Release(t, "kube-prometheus-stack")
	deploy, dash := findContainer(t, kps.Rendered.Objects, "Deployment", "grafana-sc-dashboard")

	provisioned := map[string]string{} // uid → type
	for _, ds := range provisionedDatasources(t, d) {
		provisioned[ds.UID] = ds.Type
	}

	// Dashboards.
	label, _ := dash.env("LABEL")
	value, _ := dash.env("LABEL_VALUE")
	folderAnnotation, _ := dash.env("FOLDER_ANNOTATION")
	namespaces, set := dash.env("NAMESPACE")
	if !set {
		namespaces = deploy.GetNamespace() // the sidecar's default: its own namespace
	}
	dashboards := 0
	for _, o := range d.Config.OfKind("ConfigMap") {
		data, err := objectData(o)
		if err != nil {
			t.Fatal(err)
		}
		for key, text := range data {
			if !strings.HasSuffix(key, ".json") {
				continue
			}
			dashboards++
			if got := o.GetLabels()[label]; got != value {
				t.Errorf("dashboard %s: label %s=%q, the Grafana sidecar watches %s=%q", o, label, got, label, value)
			}
			if namespaces != "ALL" && !slices.Contains(strings.Split(namespaces, ","), o.GetNamespace()) {
				t.Errorf("dashboard %s is in namespace %s; the Grafana sidecar searches %s", o, o.GetNamespace(), namespaces)
			}
			if _, ok := o.GetAnnotations()[folderAnnotation]; folderAnnotation != "" && !ok {
				t.Errorf("dashboard %s has no %s annotation the sidecar files it by", o, folderAnnotation)
			}
			var dj any
			if err := json.Unmarshal([]byte(text), &dj); err != nil {
				t.Errorf("dashboard %s key %s: %v", o, key, err)
				continue
			}
			for where, ds := range datasourceRefs(dj, "") {
				if strings.HasPrefix(ds.UID, "$") || strings.HasPrefix(ds.UID, "-- ") {
					continue // a variable, or Grafana's built-in Mixed/Dashboard/Grafana sources
				}
				typ, ok := provisioned[ds.UID]
				switch {
				case !ok:
					t.Errorf("dashboard %s %s uses datasource uid %q; Grafana is provisioned with %v", o, where, ds.UID, provisioned)
				case ds.Type != "" && ds.Type != typ:
					t.Errorf("dashboard %s %s expects datasource %s of type %s; it is of type %s", o, where, ds.UID, ds.Type, typ)
				}
			}
		}
	}
	if dashboards == 0 {
		t.Error("the overlay has no dashboard")
	}
}

type datasourceRef struct{ Type, UID string }

// datasourceRefs returns every "datasource" object of a dashboard by path.
func datasourceRefs(v any, path string) map[string]datasourceRef {
	out := map[string]datasourceRef{}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if m, ok := e.(map[string]any); ok && k == "datasource" {
				typ, _ := m["type"].(string)
				uid, _ := m["uid"].(string)
				out[path+"."+k] = datasourceRef{typ, uid}
				continue
			}
			for p, r := range datasourceRefs(e, path+"."+k) {
				out[p] = r
			}
		}
	case []any:
		for i, e := range x {
			for p, r := range datasourceRefs(e, fmt.Sprintf("%s[%d]", path, i)) {
				out[p] = r
			}
		}
	}
	return out
}

// datasource is one datasource Grafana's sidecar provisions.
type datasource struct {
	Name, Type, UID, URL string
	// Namespace of the ConfigMap or Secret it came from.
	Namespace string `json:"-"`
}

// provisionedDatasources returns the datasources of every ConfigMap and
// Secret (rendered by a chart or made by the overlay) that carries the
// label its grafana-sc-datasources container watches (LABEL, LABEL_VALUE).
func provisionedDatasources(t *testing.T, d *deployment) []datasource {
	t.Helper()
	kps := d.Release(t, "kube-prometheus-stack")
	_, sidecar := findContainer(t, kps.Rendered.Objects, "Deployment", "grafana-sc-datasources")
	label, _ := sidecar.env("LABEL")
	value, _ := sidecar.env("LABEL_VALUE")
	var out []datasource
	var all []*harness.Object
	all = append(all, d.Rendered()...)
	all = append(all, d.Stack.Objects...)
	for _, o := range all {
		if (o.GetKind() != "ConfigMap" && o.GetKind() != "Secret") || o.GetLabels()[label] != value {
			continue
		}
		data, err := objectData(o)
		if err != nil {
			t.Fatal(err)
		}
		for key, text := range data {
			var f struct {
				Datasources []datasource `json:"datasources"`
			}
			if err := yaml.Unmarshal([]byte(text), &f); err != nil {
				t.Errorf("%s key %s: %v", o, key, err)
			}
			for _, ds := range f.Datasources {
				ds.Namespace = o.GetNamespace()
				out = append(out, ds)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no datasource is provisioned through the sidecar's label %s=%s", label, value)
	}
	return out
}
