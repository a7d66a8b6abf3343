package checks

import (
	"fmt"
	"path"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/api/types"

	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// overlayTypedProblems verifies the encoding of the kustomizations and of
// the Kubernetes objects (but the PrometheusRules: rules/parse) that the
// other checks read typed (wiring_parse.go): each file must carry the value
// its generator marshalled, and its bytes, decoded strictly, must give that
// value back (typedBytesMismatch; a multi-document file document by
// document).
func overlayTypedProblems(in *Input) diag.List {
	const check = "overlay/kustomize"
	var out diag.List
	for i := range in.Files {
		f := &in.Files[i]
		var err error
		switch {
		case path.Base(f.Path) == kustomization.Path:
			k, ok := f.Value.(*types.Kustomization)
			if !ok || k == nil {
				out.Append(at(in, f.Source, check, f.Path,
					"generated kustomization comes without its typed value (artifact.File.Value): the checks of the overlay cannot see it"))
				continue
			}
			err = typedBytesMismatch(f.Data, k)
		case f.Role == artifact.Resource && !isRuleFile(f):
			objs, ok := f.Value.([]runtime.Object)
			if !ok {
				out.Append(at(in, f.Source, check, f.Path,
					"generated objects come without their typed value (artifact.File.Value): the checks of the overlay cannot see them"))
				continue
			}
			err = typedDocsMismatch(f.Data, objs)
		default:
			continue
		}
		if err != nil {
			out.Append(at(in, f.Source, check, f.Path, "the generated file is not what its generator made: %v", err))
		}
	}
	return out
}

// typedDocsMismatch is typedBytesMismatch for a multi-document file and its
// objects, in document order.
func typedDocsMismatch(data []byte, objs []runtime.Object) error {
	docs := wiringSplitDocs(data)
	if len(docs) != len(objs) {
		return fmt.Errorf("%d documents, the generator made %d objects", len(docs), len(objs))
	}
	for i, doc := range docs {
		if err := typedBytesMismatch(doc, objs[i]); err != nil {
			return fmt.Errorf("document %d: %w", i+1, err)
		}
	}
	return nil
}
