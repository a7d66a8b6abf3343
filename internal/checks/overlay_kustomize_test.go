package checks_test

import "testing"

func TestOverlayKustomize(t *testing.T) {
	famRunCases(t, "overlay/kustomize", famBase, []famCase{
		{name: "generated"},
		{
			name: "listed resource missing",
			edit: famEditCase(famStackKust, "resources:\n", "resources:\n- missing.yaml\n"),
			want: []string{`overlay/kustomize: the overlay does not build`},
		},
		// The encoder checks of the kustomizations and objects, which the
		// other checks read typed: the bytes changed, the typed value not.
		{
			name: "encoder drops an option",
			edit: famEncoderBug(famStackKust, "    disableNameSuffixHash: true\n", ""),
			want: []string{`overlay/kustomize: the generated file is not what its generator made: at configMapGenerator[0].options the bytes say nothing, the typed value {"disableNameSuffixHash":true}`},
		},
		{
			name: "encoder changes a HelmRelease",
			edit: famEncoderBug(famReleases, "  releaseName: prometheus\n", "  releaseName: prom\n"),
			want: []string{`overlay/kustomize: the generated file is not what its generator made: document 1: at spec.releaseName the bytes say "prom", the typed value "prometheus"`},
		},
		{
			name: "encoder adds an unknown field",
			edit: famEncoderBug("stack/namespace.yaml", "kind: Namespace\n", "kind: Namespace\nspecs: {}\n"),
			want: []string{`document 1: does not decode strictly as v1.Namespace`},
		},
		{
			name: "kustomization without its typed value",
			edit: famUntypedEdit(famStackKust),
			want: []string{`overlay/kustomize: generated kustomization comes without its typed value (artifact.File.Value)`},
		},
		{
			name: "objects without their typed value",
			edit: famUntypedEdit(famReleases),
			want: []string{`overlay/kustomize: generated objects come without their typed value (artifact.File.Value)`},
		},
	})
}
