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
	})
}
