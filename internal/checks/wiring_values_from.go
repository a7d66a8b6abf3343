package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dataopsgen/dataopsgen/generators/flux"
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
		for _, hr := range objs {
			if hr.Kind != "HelmRelease" {
				continue
			}
			spec := amMap(hr.Object["spec"])
			for i, v := range amList(spec["valuesFrom"]) {
				ref := amMap(v)
				kind, _ := ref["kind"].(string)
				name, _ := ref["name"].(string)
				key, _ := ref["valuesKey"].(string)
				if key == "" {
					// helm-controller's default (api/v2 ValuesReference.ValuesKey).
					key = "values.yaml"
				}
				if optional, _ := ref["optional"].(bool); optional {
					continue
				}
				where := fmt.Sprintf("HelmRelease %s valuesFrom[%d]", hr.Name, i)
				if msg := valuesFromProblem(objs, hr.Namespace, kind, name, key); msg != "" {
					out.Append(at(in, "stack", check, flux.ReleasesPath, "%s: %s", where, msg))
				}
			}
		}
		return out
	},
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
