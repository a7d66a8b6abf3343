package cli

import (
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/dataopsgen/dataopsgen/generators/flux"
	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/build"
)

// applySteps prints the order in which the overlay applies on a fresh
// cluster: `kubectl apply -k OUT` at once fails there, since the
// PrometheusRules of the config layer need the CRDs the stack layer's
// charts install.
func applySteps(w io.Writer, res *build.Result, out string) {
	layer := func(l string) string { return path.Join(out, l) }
	if len(res.Environments) > 0 {
		layer = func(l string) string { return path.Join(out, kustomization.OverlaysDir, "<env>", l) }
	}
	ns := res.Spec.Stack.Namespace
	fmt.Fprintln(w, "apply, in this order (the config layer needs the CRDs the charts install):")
	if res.Spec.Stack.Flux {
		fmt.Fprintf(w, "  kubectl apply -k %s   # needs Flux in the cluster (flux install)\n", layer(artifact.StackDir))
		fmt.Fprintf(w, "  kubectl -n %s wait helmrelease --all --for=condition=Ready --timeout=15m\n", ns)
	} else {
		fmt.Fprintf(w, "  kubectl apply -k %s\n", layer(artifact.StackDir))
		for _, c := range flux.Charts(res.Spec) {
			fmt.Fprintf(w, "  helm upgrade --install %s %s --version %s -n %s -f %s --wait\n",
				c.Release, chartRef(c), c.Chart.Version, ns, valuesPath(res, c, layer))
		}
	}
	fmt.Fprintf(w, "  kubectl apply -k %s\n", layer(artifact.ConfigDir))
}

// chartRef is how helm names the chart: an OCI reference, or the chart
// name with --repo.
func chartRef(c flux.Chart) string {
	if strings.HasPrefix(c.Chart.Repository, "oci://") {
		return strings.TrimSuffix(c.Chart.Repository, "/") + "/" + c.Name
	}
	return c.Name + " --repo " + c.Chart.Repository
}

// valuesPath is the values file of a chart in the overlay: the file that
// becomes its values ConfigMap.
func valuesPath(res *build.Result, c flux.Chart, layer func(string) string) string {
	prefix := ""
	if len(res.Environments) > 0 {
		prefix = kustomization.BaseDir + "/"
	}
	for _, f := range res.Files {
		if f.Object != nil && f.Object.Name == c.ValuesConfigMap {
			if p, ok := strings.CutPrefix(f.Path, prefix+artifact.StackDir+"/"); ok {
				return path.Join(layer(artifact.StackDir), p)
			}
		}
	}
	return path.Join(layer(artifact.StackDir), "values", c.Name+".yaml")
}
