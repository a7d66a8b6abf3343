package checks

import (
	"slices"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"

	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var overlayKustomize = Check{
	Name: "overlay/kustomize",
	Doc: "The overlay builds with kustomize (krusty, in memory): every listed file exists, generators and resources are valid; each " +
		"kustomization and Kubernetes object file (but the PrometheusRules: `rules/parse`) decodes strictly to the typed value its generator " +
		"marshalled (the one check of their encoding: the others read the typed values, which every such file must carry).",
	Run: func(in *Input) (out diag.List) {
		if _, err := kustomized(in); err != nil {
			out.Add(in.Spec.Pos("stack"), "overlay/kustomize", "the overlay does not build: %v", err)
		}
		out.Append(overlayTypedProblems(in)...)
		return out
	},
}

// Kustomize builds the overlay in memory and returns the rendered YAML.
func Kustomize(in *Input) ([]byte, error) {
	m, err := run(in)
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}

// run builds the overlay in memory; the check needs only the error (rendering
// the result as YAML costs more than the build itself).
func run(in *Input) (resmap.ResMap, error) {
	fs := kustomization.NewFS()
	if err := fs.Add("/out/", in.Files); err != nil {
		return nil, err
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	return k.Run(fs, "/out")
}

// kustomizedObject is one object of the overlay as kustomize builds it,
// as much as the reference checks read: its identity and the keys of a
// ConfigMap or Secret.
type kustomizedObject struct {
	Kind, Name, Namespace string
	// Keys of data and binaryData (ConfigMap, Secret), sorted.
	Keys []string
}

// kustomizedResult is the overlay as kustomize builds it, shared by the
// checks that read kustomize's output (overlay/kustomize and the
// reference checks): one build per Input, decoded once into values that
// the checks only read.
type kustomizedResult struct {
	objs []kustomizedObject
	err  error
}

// kustomized returns the overlay as kustomize builds it.
func kustomized(in *Input) ([]kustomizedObject, error) {
	r := in.kustomizeBuild()
	return r.objs, r.err
}

// buildKustomized runs kustomize on the overlay and keeps what the checks read.
func buildKustomized(in *Input) kustomizedResult {
	m, err := run(in)
	if err != nil {
		return kustomizedResult{err: err}
	}
	var out kustomizedResult
	for _, res := range m.Resources() {
		o := kustomizedObject{Kind: res.GetKind(), Name: res.GetName(), Namespace: res.GetNamespace()}
		switch o.Kind {
		case "ConfigMap", "Secret":
			for k := range res.GetDataMap() {
				o.Keys = append(o.Keys, k)
			}
			for k := range res.GetBinaryDataMap() {
				o.Keys = append(o.Keys, k)
			}
			slices.Sort(o.Keys)
		default:
			continue
		}
		out.objs = append(out.objs, o)
	}
	return out
}
