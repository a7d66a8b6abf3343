package build

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// verifyOverlay builds overlays/<env> over base with kustomize and requires
// exactly the objects the environment's spec compiles to on its own.
func verifyOverlay(env *model.Spec, base, overlay, standalone []artifact.File) diag.List {
	fail := func(format string, args ...any) diag.List {
		return diag.List{{Pos: env.Pos("environments." + env.Environment), Check: "overlay/environment",
			Message: fmt.Sprintf("environment %s: ", env.Environment) + fmt.Sprintf(format, args...)}}
	}
	fs := kustomization.NewFS()
	for _, err := range []error{
		fs.Add("/out/"+kustomization.BaseDir+"/", base),
		fs.Add("/out/", overlay),
		fs.Add("/env/", standalone),
	} {
		if err != nil {
			return fail("%v", err)
		}
	}
	got, err := render(fs, "/out/"+kustomization.OverlaysDir+"/"+env.Environment)
	if err != nil {
		return fail("the overlay does not build: %v", err)
	}
	want, err := render(fs, "/env")
	if err != nil {
		return fail("the environment does not build: %v", err)
	}
	for _, id := range union(got, want) {
		if !reflect.DeepEqual(got[id], want[id]) {
			g, _ := yaml.Marshal(got[id])
			w, _ := yaml.Marshal(want[id])
			return fail("the overlay renders %s differently from the environment's own build\noverlay:\n%s\nwant:\n%s", id, g, w)
		}
	}
	return nil
}

func render(fs filesys.FileSystem, dir string) (map[string]map[string]any, error) {
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, dir)
	if err != nil {
		return nil, err
	}
	data, err := m.AsYaml()
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]any{}
	for _, doc := range bytes.Split(data, []byte("\n---\n")) {
		var o map[string]any
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return nil, err
		}
		md, _ := o["metadata"].(map[string]any)
		out[fmt.Sprintf("%v %v/%v", o["kind"], md["namespace"], md["name"])] = o
	}
	return out, nil
}

func union(a, b map[string]map[string]any) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
