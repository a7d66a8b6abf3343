package checks

import (
	"fmt"
	"reflect"
	"slices"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// RetypeOverlay makes the typed value of f — Helm values, a kustomization,
// Kubernetes objects, the scrape jobs — what its bytes say, keeping the
// spec path of each scrape job: a test that edits the bytes to play a
// generator bug thus shows the bug to the checks of the typed values too,
// as the generator's own bug would. A field the typed value has no place
// for is lost (only the encoder checks see it). It is a no-op for other
// files.
func RetypeOverlay(f *artifact.File) error {
	switch old := f.Value.(type) {
	case *scrape.Jobs:
		var configs []scrape.Config
		if err := yaml.Unmarshal(f.Data, &configs); err != nil {
			return err
		}
		f.Value = &scrape.Jobs{Configs: configs, Sources: old.Sources}
	case []runtime.Object:
		docs := wiringSplitDocs(f.Data)
		if len(docs) != len(old) {
			return fmt.Errorf("%d documents for %d typed objects", len(docs), len(old))
		}
		objs := make([]runtime.Object, len(old))
		for i, doc := range docs {
			o, err := decodeLike(doc, old[i])
			if err != nil {
				return err
			}
			objs[i] = o.(runtime.Object)
		}
		f.Value = objs
	default:
		if !typedOverlayValue(f) {
			return nil
		}
		v, err := decodeLike(f.Data, f.Value)
		if err != nil {
			return err
		}
		f.Value = v
	}
	return nil
}

// typedOverlayValue reports whether f carries a typed value RetypeOverlay
// decodes as a whole: Helm values or a kustomization.
func typedOverlayValue(f *artifact.File) bool {
	if _, ok := f.Value.(*types.Kustomization); ok {
		return true
	}
	for _, tv := range typedValuesFiles {
		if tv.path == f.Path && tv.typed(f.Value) {
			return true
		}
	}
	return false
}

// decodeLike decodes data into a new value of like's (pointer) type.
func decodeLike(data []byte, like any) (any, error) {
	v := reflect.New(reflect.TypeOf(like).Elem()).Interface()
	if err := yaml.Unmarshal(data, v); err != nil {
		return nil, err
	}
	return v, nil
}

// RunOnValuesBytes runs c on in with the kube-prometheus-stack values read
// from the values file's bytes, as the chart reads them, instead of from its
// typed value: for the checks' defences against fields (a literal
// credential, an http_config) that a generator could only emit with a
// field today's typed values have no place for.
func RunOnValuesBytes(c Check, in *Input) diag.List {
	fresh := &Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
	pv := fresh.values()
	if pv.file != nil {
		pv.v = kpsValues{}
		pv.err = yaml.Unmarshal(pv.file.Data, &pv.v)
	}
	fresh.v().values.set(pv)
	return c.Run(fresh).Sorted()
}
