package cli

import (
	"fmt"
	"io"
	"path"
	"slices"

	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/generators/secrets"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// secretsSummary prints the Secrets the user must create before applying,
// one `kubectl create secret` each (as SECRETS.md lists them). With
// environments: the base's, then each environment whose list differs.
func secretsSummary(w io.Writer, res *build.Result, out string) {
	list := func(s *model.Spec, file string) {
		required := secrets.Required(s)
		if len(required) == 0 {
			fmt.Fprintf(w, "  secrets:    none to create (%s)\n", file)
			return
		}
		fmt.Fprintf(w, "  secrets:    %d to create before applying (%s):\n", len(required), file)
		for _, c := range secrets.Commands(required) {
			fmt.Fprintf(w, "    %s\n", c)
		}
	}
	if len(res.Environments) == 0 {
		list(res.Spec, path.Join(out, secrets.Path))
		return
	}
	base := secrets.Required(res.Spec)
	list(res.Spec, path.Join(out, kustomization.BaseDir, secrets.Path))
	for _, e := range res.Environments {
		if !slices.Equal(secrets.Commands(base), secrets.Commands(secrets.Required(e))) {
			fmt.Fprintf(w, "  environment %s:\n", e.Environment)
			list(e, path.Join(out, kustomization.OverlaysDir, e.Environment, secrets.Path))
		}
	}
}
