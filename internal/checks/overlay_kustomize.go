package checks

import (
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var overlayKustomize = Check{
	Name: "overlay/kustomize",
	Doc:  "The overlay builds with kustomize (krusty, in memory): every listed file exists, generators and resources are valid.",
	Run: func(in *Input) (out diag.List) {
		if _, err := run(in); err != nil {
			out.Add(in.Spec.Pos("stack"), "overlay/kustomize", "the overlay does not build: %v", err)
		}
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
	fs := filesys.MakeFsInMemory()
	if err := kustomization.WriteFS(fs, "/out/", in.Files); err != nil {
		return nil, err
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	return k.Run(fs, "/out")
}
