package harness

import (
	"bytes"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// ParseObjects splits a multi-document YAML stream (kubectl kustomize,
// helm template) into objects (ParseRendered, without template paths).
func ParseObjects(b []byte) ([]*unstructured.Unstructured, error) {
	r, err := ParseRendered(b)
	if err != nil {
		return nil, err
	}
	out := make([]*unstructured.Unstructured, len(r.Objects))
	for i, o := range r.Objects {
		out[i] = &o.Unstructured
	}
	return out, nil
}

// MarshalObjects is a multi-document YAML stream of objects.
func MarshalObjects(objs []*unstructured.Unstructured) ([]byte, error) {
	var b bytes.Buffer
	for _, o := range objs {
		y, err := yaml.Marshal(o.Object)
		if err != nil {
			return nil, err
		}
		b.WriteString("---\n")
		b.Write(y)
	}
	return b.Bytes(), nil
}

// NamespacesOf returns the namespaces objs live in or define, sorted, unique.
func NamespacesOf(objs []*unstructured.Unstructured) []string {
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, o := range objs {
		if o.GetKind() == "Namespace" && o.GetAPIVersion() == "v1" {
			add(o.GetName())
		}
		add(o.GetNamespace())
	}
	slices.Sort(out)
	return out
}
