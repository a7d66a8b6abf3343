package checks

import (
	"bytes"
	"encoding/json"
	"path"
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/api/types"

	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// This file builds the views (input.go) of the generated artifacts the
// wiring, logs and alertmanager checks cross-check: the kube-prometheus-stack
// values (values_typed.go), the kustomizations and the Kubernetes objects.
// They come typed from their generators (File.Value); values/parse,
// overlay/kustomize and rules/parse verify the bytes.

// kpsValues is the part of the kube-prometheus-stack values the checks read,
// as the chart reads the generator's typed values (chartView). Pointers
// tell "not set" (the chart's default applies) from a zero value.
type kpsValues struct {
	Prometheus struct {
		PrometheusSpec struct {
			RuleSelectorNilUsesHelmValues *bool                 `json:"ruleSelectorNilUsesHelmValues"`
			RuleSelector                  *metav1.LabelSelector `json:"ruleSelector"`
			RuleNamespaceSelector         *metav1.LabelSelector `json:"ruleNamespaceSelector"`
			AdditionalScrapeConfigsSecret *struct {
				Enabled *bool  `json:"enabled"`
				Name    string `json:"name"`
				Key     string `json:"key"`
			} `json:"additionalScrapeConfigsSecret"`
		} `json:"prometheusSpec"`
	} `json:"prometheus"`
	Alertmanager struct {
		Config           map[string]any `json:"config"`
		AlertmanagerSpec struct {
			Secrets []string `json:"secrets"`
		} `json:"alertmanagerSpec"`
	} `json:"alertmanager"`
	Grafana struct {
		Sidecar struct {
			Dashboards struct {
				Enabled          *bool   `json:"enabled"`
				Label            *string `json:"label"`
				LabelValue       *string `json:"labelValue"`
				FolderAnnotation *string `json:"folderAnnotation"`
				// A namespace, a comma-separated list, or ALL; unset: Grafana's own.
				SearchNamespace any `json:"searchNamespace"`
			} `json:"dashboards"`
			Datasources struct {
				UID          *string `json:"uid"`
				Alertmanager struct {
					Enabled *bool   `json:"enabled"`
					UID     *string `json:"uid"`
				} `json:"alertmanager"`
			} `json:"datasources"`
		} `json:"sidecar"`
		AdditionalDataSources []struct {
			Name string `json:"name"`
			Type string `json:"type"`
			UID  string `json:"uid"`
		} `json:"additionalDataSources"`
	} `json:"grafana"`
}

// Chart defaults (kube-prometheus-stack 88.x and its grafana subchart) for
// the values above, used when the generated values leave them unset.
const (
	chartDashboardLabel      = "grafana_dashboard"
	chartDashboardLabelValue = "1"
	chartPrometheusDSUID     = "prometheus"
	chartAlertmanagerDSUID   = "alertmanager"
)

// kustLayer is one generated kustomization.yaml.
type kustLayer struct {
	file *artifact.File
	dir  string // "" for the root
	k    types.Kustomization
	err  error
}

// decodeKustomizations returns every generated kustomization, outermost
// first, as its generator typed it (kustomization.Assemble sets File.Value;
// overlay/kustomize verifies the bytes).
func decodeKustomizations(in *Input) []*kustLayer {
	var out []*kustLayer
	for i := range in.Files {
		f := &in.Files[i]
		if path.Base(f.Path) != kustomization.Path {
			continue
		}
		l := &kustLayer{file: f, dir: path.Dir(f.Path)}
		if l.dir == "." {
			l.dir = ""
		}
		if k, ok := f.Value.(*types.Kustomization); ok {
			l.k = *k
		} else {
			l.err = errUntyped // overlay/kustomize reports it
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b *kustLayer) int { return wiringCmpDepth(a.dir, b.dir) })
	return out
}

func wiringCmpDepth(a, b string) int {
	da, db := wiringDepth(a), wiringDepth(b)
	switch {
	case da < db:
		return -1
	case da > db:
		return 1
	}
	return strings.Compare(a, b)
}

func wiringDepth(dir string) int {
	if dir == "" {
		return 0
	}
	return strings.Count(dir, "/") + 1
}

// rel returns p relative to the layer's directory, and whether p is inside it.
func (l *kustLayer) rel(p string) (string, bool) {
	if l.dir == "" {
		return p, true
	}
	return strings.CutPrefix(p, l.dir+"/")
}

// abs returns the overlay path of a path relative to the layer.
func (l *kustLayer) abs(p string) string {
	if l.dir == "" {
		return path.Clean(p)
	}
	return path.Clean(l.dir + "/" + p)
}

// effectiveNamespace is the namespace an object of p ends up in: the
// outermost kustomization that sets one wins (kustomize applies the outer
// namespace transformer last), else def.
func effectiveNamespace(in *Input, p, def string) string {
	for _, l := range in.kustomizations() {
		if _, ok := l.rel(p); ok && l.err == nil && l.k.Namespace != "" {
			return l.k.Namespace
		}
	}
	return def
}

// generatorEntry is one configMapGenerator or secretGenerator entry, with
// its file sources resolved to overlay paths.
type generatorEntry struct {
	layer   *kustLayer
	secret  bool
	args    types.GeneratorArgs
	sources []generatorSource
}

type generatorSource struct {
	key  string
	path string // overlay path
}

// options merges the layer's generatorOptions with the entry's own.
func (g *generatorEntry) options() types.GeneratorOptions {
	var o types.GeneratorOptions
	if gopts := g.layer.k.GeneratorOptions; gopts != nil {
		o = *gopts
	}
	if e := g.args.Options; e != nil {
		o.Labels = wiringMergeMaps(o.Labels, e.Labels)
		o.Annotations = wiringMergeMaps(o.Annotations, e.Annotations)
		o.DisableNameSuffixHash = o.DisableNameSuffixHash || e.DisableNameSuffixHash
	}
	return o
}

func wiringMergeMaps(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// listGeneratorEntries lists every ConfigMap and Secret generator entry.
func listGeneratorEntries(in *Input) []*generatorEntry {
	var out []*generatorEntry
	add := func(l *kustLayer, secret bool, ga types.GeneratorArgs) {
		e := &generatorEntry{layer: l, secret: secret, args: ga}
		for _, src := range ga.FileSources {
			key, p, ok := strings.Cut(src, "=")
			if !ok {
				key, p = path.Base(src), src
			}
			e.sources = append(e.sources, generatorSource{key: key, path: l.abs(p)})
		}
		out = append(out, e)
	}
	for _, l := range in.kustomizations() {
		if l.err != nil {
			continue
		}
		for _, c := range l.k.ConfigMapGenerator {
			add(l, false, c.GeneratorArgs)
		}
		for _, s := range l.k.SecretGenerator {
			add(l, true, s.GeneratorArgs)
		}
	}
	return out
}

// generatorKey is the generator entry that turns a file into a ConfigMap or
// Secret key, and the key.
type generatorKey struct {
	e   *generatorEntry
	key string
}

// indexGenerators maps overlay paths to the generator entry that reads them
// (the first, as a search would find it).
func indexGenerators(in *Input) map[string]generatorKey {
	out := map[string]generatorKey{}
	for _, e := range in.generatorEntries() {
		for _, s := range e.sources {
			if _, seen := out[s.path]; !seen {
				out[s.path] = generatorKey{e, s.key}
			}
		}
	}
	return out
}

// generatorOf returns the generator entry that turns the file at p into a
// ConfigMap or Secret key, or nil.
func generatorOf(in *Input, p string) (*generatorEntry, string) {
	ek := in.generatorByPath()[p]
	return ek.e, ek.key
}

// listResources is the set of overlay paths some kustomization lists as a
// resource.
func listResources(in *Input) map[string]bool {
	out := map[string]bool{}
	for _, l := range in.kustomizations() {
		if l.err != nil {
			continue
		}
		for _, r := range l.k.Resources {
			out[l.abs(r)] = true
		}
	}
	return out
}

// listedAsResource reports whether some kustomization lists p as a resource.
func listedAsResource(in *Input, p string) bool { return in.listedResources()[p] }

// k8sObject is the part of a Kubernetes object the checks read.
type k8sObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
}

type fileObject struct {
	file *artifact.File
	obj  k8sObject
}

// decodeObjects returns the objects of every Resource file (each document
// of a multi-document file), in file order, from the generators' typed
// objects: a PrometheusRule file's *rules.Object, the others'
// []runtime.Object (File.Value). A file without them has none here:
// rules/parse or overlay/kustomize reports it.
func decodeObjects(in *Input) []fileObject {
	var out []fileObject
	for i := range in.Files {
		f := &in.Files[i]
		if f.Role != artifact.Resource {
			continue
		}
		switch v := f.Value.(type) {
		case *rules.Object:
			if isRuleFile(f) && v.Rule != nil {
				out = append(out, fileObject{file: f, obj: k8sObjectOf(v.Rule)})
			}
		case []runtime.Object:
			for _, o := range v {
				if !nilObject(o) {
					out = append(out, fileObject{file: f, obj: k8sObjectOf(o)})
				}
			}
		}
	}
	return out
}

// nilObject reports whether o is nil or a nil pointer.
func nilObject(o runtime.Object) bool {
	v := reflect.ValueOf(o)
	return o == nil || v.Kind() == reflect.Pointer && v.IsNil()
}

// k8sObjectOf is the part of o the checks read.
func k8sObjectOf(o runtime.Object) k8sObject {
	var out k8sObject
	gvk := o.GetObjectKind().GroupVersionKind()
	out.APIVersion, out.Kind = gvk.GroupVersion().String(), gvk.Kind
	if m, err := meta.Accessor(o); err == nil {
		out.Metadata.Name, out.Metadata.Namespace, out.Metadata.Labels = m.GetName(), m.GetNamespace(), m.GetLabels()
	}
	return out
}

func wiringSplitDocs(data []byte) [][]byte {
	var out [][]byte
	for _, d := range bytes.Split(append([]byte("\n"), data...), []byte("\n---")) {
		if len(bytes.TrimSpace(d)) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// rawJSON unmarshals b into v, reporting whether it worked.
func wiringRawJSON(b json.RawMessage, v any) bool {
	return len(b) > 0 && json.Unmarshal(b, v) == nil
}
