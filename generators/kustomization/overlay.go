package kustomization

import (
	"bytes"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Layout directories when a spec has environments.
const (
	BaseDir     = "base"
	OverlaysDir = "overlays"
)

// object is one Kubernetes object of a Resource file.
type object struct {
	id   string // kind/namespace/name
	file string
	body map[string]any
}

// Overlay returns the files of overlays/<env>: per layer (stack, config) a
// kustomize overlay of the base's layer, and a root kustomization listing
// them, so that Flux can apply an environment's layers in order as it
// applies the base's. The rule tests of the environment are copied beside.
func Overlay(env *model.Spec, base, cur []artifact.File) ([]artifact.File, error) {
	dir := OverlaysDir + "/" + env.Environment + "/"
	var out []artifact.File
	var layers []string
	for _, l := range []string{artifact.StackDir, artifact.ConfigDir} {
		files, err := overlayLayer(env, dir+l+"/", "../../../"+BaseDir+"/"+l, inLayer(base, l), inLayer(cur, l))
		if err != nil {
			return nil, err
		}
		if len(files) > 0 {
			out = append(out, files...)
			layers = append(layers, l)
		}
	}
	// The environment's own rule tests, runnable with promtool from the
	// overlay, and its list of Secrets to create (generators/secrets).
	for _, f := range cur {
		if isRuleTest(f) || isTopLevelDoc(f) {
			f.Path = dir + f.Path
			out = append(out, f)
		}
	}
	root, err := marshal(types.Kustomization{
		TypeMeta:  types.TypeMeta{APIVersion: types.KustomizationVersion, Kind: types.KustomizationKind},
		Resources: layers,
	})
	if err != nil {
		return nil, err
	}
	return append(out, artifact.File{Path: dir + Path, Data: root, Role: artifact.Aside, Source: "environments." + env.Environment}), nil
}

// inLayer returns the files of one layer, with paths relative to it.
func inLayer(files []artifact.File, layer string) []artifact.File {
	var out []artifact.File
	for _, f := range files {
		if rel, ok := strings.CutPrefix(f.Path, layer+"/"); ok && f.Role != artifact.Aside {
			f.Path = rel
			out = append(out, f)
		}
	}
	return out
}

// overlayLayer is the overlay (in dir) of one base layer (at baseRef) that
// turns the base's objects into the environment's. Objects
// the environment changes get a JSON merge patch (removed fields set to
// null), objects it adds are resources, objects it drops get a delete patch;
// generated ConfigMaps/Secrets whose data differ are regenerated with
// behavior: replace. Rule tests of the environment are copied beside it.
func overlayLayer(env *model.Spec, dir, baseRef string, base, cur []artifact.File) ([]artifact.File, error) {
	if len(base) == 0 && len(cur) == 0 {
		return nil, nil
	}
	k := types.Kustomization{
		TypeMeta:  types.TypeMeta{APIVersion: types.KustomizationVersion, Kind: types.KustomizationKind},
		Resources: []string{baseRef},
	}
	var out []artifact.File

	bo, err := objects(base)
	if err != nil {
		return nil, err
	}
	co, err := objects(cur)
	if err != nil {
		return nil, err
	}
	for _, id := range slices.Sorted(maps.Keys(co)) {
		c := co[id]
		b, ok := bo[id]
		switch {
		case !ok:
			p := "resources/" + fileName(id)
			data, err := artifact.YAML(c.body)
			if err != nil {
				return nil, err
			}
			k.Resources = append(k.Resources, p)
			out = append(out, artifact.File{Path: dir + p, Data: data, Role: artifact.Aside, Source: "environments." + env.Environment})
		case !reflect.DeepEqual(b.body, c.body):
			patch := mergePatch(b.body, c.body).(map[string]any)
			identify(patch, c.body)
			if err := addPatch(&k, &out, dir, id, patch, env); err != nil {
				return nil, err
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(bo)) {
		if _, ok := co[id]; !ok {
			patch := map[string]any{"$patch": "delete"}
			identify(patch, bo[id].body)
			if err := addPatch(&k, &out, dir, "delete-"+id, patch, env); err != nil {
				return nil, err
			}
		}
	}

	bg, cg := generated(base), generated(cur)
	for _, name := range slices.Sorted(maps.Keys(cg)) {
		c := cg[name]
		b, ok := bg[name]
		if ok && sameData(b, c) {
			continue
		}
		ga := types.GeneratorArgs{Name: name, Namespace: env.Stack.Namespace, Behavior: "create"}
		if ok {
			ga.Behavior = "replace"
		}
		for _, f := range c {
			p := "files/" + f.Path
			ga.FileSources = append(ga.FileSources, f.Object.Key+"="+p)
			out = append(out, artifact.File{Path: dir + p, Data: f.Data, Role: artifact.Aside, Source: f.Source})
			ga.Options = &types.GeneratorOptions{Labels: f.Object.Labels, Annotations: f.Object.Annotations, DisableNameSuffixHash: !f.Object.Hash}
		}
		if c[0].Role == artifact.SecretData {
			k.SecretGenerator = append(k.SecretGenerator, types.SecretArgs{GeneratorArgs: ga, Type: "Opaque"})
		} else {
			k.ConfigMapGenerator = append(k.ConfigMapGenerator, types.ConfigMapArgs{GeneratorArgs: ga})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(bg)) {
		if _, ok := cg[name]; !ok {
			kind := "ConfigMap"
			if bg[name][0].Role == artifact.SecretData {
				kind = "Secret"
			}
			patch := map[string]any{"$patch": "delete", "apiVersion": "v1", "kind": kind,
				"metadata": map[string]any{"name": name, "namespace": env.Stack.Namespace}}
			if err := addPatch(&k, &out, dir, "delete-"+kind+"-"+name, patch, env); err != nil {
				return nil, err
			}
		}
	}
	slices.Sort(k.Resources[1:])
	data, err := marshal(k)
	if err != nil {
		return nil, err
	}
	out = append(out, artifact.File{Path: dir + Path, Data: data, Role: artifact.Aside, Source: "environments." + env.Environment})
	return out, nil
}

func addPatch(k *types.Kustomization, out *[]artifact.File, dir, id string, patch map[string]any, env *model.Spec) error {
	data, err := artifact.YAML(patch)
	if err != nil {
		return err
	}
	p := "patches/" + fileName(id)
	k.Patches = append(k.Patches, types.Patch{Path: p})
	*out = append(*out, artifact.File{Path: dir + p, Data: data, Role: artifact.Aside, Source: "environments." + env.Environment})
	return nil
}

// identify copies what kustomize targets a patch by.
func identify(patch, obj map[string]any) {
	patch["apiVersion"] = obj["apiVersion"]
	patch["kind"] = obj["kind"]
	md, _ := obj["metadata"].(map[string]any)
	pm, _ := patch["metadata"].(map[string]any)
	if pm == nil {
		pm = map[string]any{}
	}
	pm["name"] = md["name"]
	if ns, ok := md["namespace"]; ok {
		pm["namespace"] = ns
	}
	patch["metadata"] = pm
}

// mergePatch is the RFC 7386 JSON merge patch turning a into b.
func mergePatch(a, b any) any {
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if !ok1 || !ok2 {
		return b
	}
	out := map[string]any{}
	for k, bv := range bm {
		if av, ok := am[k]; !ok {
			out[k] = bv
		} else if !reflect.DeepEqual(av, bv) {
			out[k] = mergePatch(av, bv)
		}
	}
	for k := range am {
		if _, ok := bm[k]; !ok {
			out[k] = nil
		}
	}
	return out
}

func objects(files []artifact.File) (map[string]object, error) {
	out := map[string]object{}
	for _, f := range files {
		if f.Role != artifact.Resource {
			continue
		}
		for _, doc := range bytes.Split(f.Data, []byte("\n---\n")) {
			var body map[string]any
			if err := yaml.Unmarshal(doc, &body); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Path, err)
			}
			if body == nil {
				continue
			}
			md, _ := body["metadata"].(map[string]any)
			id := fmt.Sprintf("%v-%v-%v", body["kind"], md["namespace"], md["name"])
			out[id] = object{id: id, file: f.Path, body: body}
		}
	}
	return out, nil
}

func generated(files []artifact.File) map[string][]artifact.File {
	out := map[string][]artifact.File{}
	for _, f := range files {
		if f.Object != nil && (f.Role == artifact.ConfigMapData || f.Role == artifact.SecretData) {
			out[f.Object.Name] = append(out[f.Object.Name], f)
		}
	}
	return out
}

func sameData(a, b []artifact.File) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Object.Key != b[i].Object.Key || !bytes.Equal(a[i].Data, b[i].Data) ||
			!maps.Equal(a[i].Object.Labels, b[i].Object.Labels) || !maps.Equal(a[i].Object.Annotations, b[i].Object.Annotations) {
			return false
		}
	}
	return true
}

func fileName(id string) string {
	return strings.ToLower(strings.NewReplacer("/", "-", "<nil>", "cluster").Replace(id)) + ".yaml"
}
