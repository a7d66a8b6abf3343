package checks

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var wiringDashboardSidecar = Check{
	Name: "wiring/dashboard-sidecar",
	Doc: "Each dashboard ConfigMap, as the kustomization generates it, carries the label and value the Grafana sidecar of the generated values watches, " +
		"the folder annotation it reads, lives in a namespace the sidecar searches, and stays under Kubernetes' 1 MiB object limit.",
	Run: func(in *Input) (out diag.List) {
		const check = "wiring/dashboard-sidecar"
		const src = "stack.grafana"
		dfs, pv := dashboardsAndValues(in)
		if dfs == nil {
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
