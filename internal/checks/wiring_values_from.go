package checks

import (
	"fmt"
	"slices"
	"strings"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var wiringValuesFrom = Check{
	Name: "wiring/values-from",
	Doc: "Every `valuesFrom` of every HelmRelease names a ConfigMap or Secret that the overlay, as kustomize builds it, holds under that very name, " +
		"in the HelmRelease's namespace, with the `valuesKey`: kustomize's content-hash name suffix renames a generated ConfigMap but does not " +
		"rewrite `valuesFrom`, and helm-controller then fails the release.",
	Run: func(in *Input) (out diag.List) {
		const check = "wiring/values-from"
		objs, err := kustomized(in)
		if err != nil {
			return nil // overlay/kustomize reports it
		}
		for _, r := range typedHelmReleases(in) {
			hr := r.hr
			ns := effectiveNamespace(in, r.file.Path, hr.Namespace)
			for i, ref := range hr.Spec.ValuesFrom {
				if ref.Optional {
					continue
				}
				key := ref.ValuesKey
				if key == "" {
					// helm-controller's default (api/v2 ValuesReference.ValuesKey).
					key = "values.yaml"
				}
				where := fmt.Sprintf("HelmRelease %s valuesFrom[%d]", hr.Name, i)
				if msg := valuesFromProblem(objs, ns, ref.Kind, ref.Name, key); msg != "" {
					out.Append(at(in, r.file.Source, check, r.file.Path, "%s: %s", where, msg))
				}
			}
		}
		return out
	},
}

// sourcedHelmRelease is a generated HelmRelease and its file.
type sourcedHelmRelease struct {
	file *artifact.File
	hr   *helmv2.HelmRelease
}

// typedHelmReleases are the generated HelmReleases, as the flux generator
// typed them (File.Value; overlay/kustomize verifies the bytes), in file
// order.
func typedHelmReleases(in *Input) []sourcedHelmRelease {
	var out []sourcedHelmRelease
	for i := range in.Files {
		f := &in.Files[i]
		if f.Role != artifact.Resource {
			continue
		}
		objs, _ := f.Value.([]runtime.Object)
		for _, o := range objs {
			if hr, ok := o.(*helmv2.HelmRelease); ok && hr != nil {
				out = append(out, sourcedHelmRelease{f, hr})
			}
		}
	}
	return out
}

// valuesFromProblem says why kind/name (key) cannot be read in namespace,
// or "".
func valuesFromProblem(objs []kustomizedObject, namespace, kind, name, key string) string {
	if kind != "ConfigMap" && kind != "Secret" {
		return fmt.Sprintf("kind %q: helm-controller reads values from a ConfigMap or a Secret", kind)
	}
	var renamed []string
	for _, o := range objs {
		if o.Kind != kind || o.Namespace != namespace {
			continue
		}
		if o.Name == name {
			if !slices.Contains(o.Keys, key) {
				return fmt.Sprintf("%s %s has no key %s (has: [%s])", kind, name, key, strings.Join(o.Keys, ", "))
			}
			return ""
		}
		if strings.HasPrefix(o.Name, name+"-") {
			renamed = append(renamed, o.Name)
		}
	}
	msg := fmt.Sprintf("%s %s is not in the overlay as kustomize builds it (namespace %s)", kind, name, namespace)
	if len(renamed) > 0 {
		msg += fmt.Sprintf("; kustomize made %s: a content-hash name suffix, which kustomize does not rewrite in valuesFrom (set disableNameSuffixHash)",
			strings.Join(renamed, ", "))
	}
	return msg
}
