package load

import (
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/token"
)

// Memo keeps the JSON of workloads loaded in parts (inParts) from one load
// to the next, so that a rebuild evaluates only the workloads that
// changed: evaluating a workload with #Spec (its defaults, its alerts'
// disjunctions) and marshalling it is most of a load.
//
// A workload's key is its name and the text of its value as written
// (memoKeys); the memo's own key must add what else decides the JSON:
// the schema and the CUE evaluator, both compiled into the binary (the
// build's memo is a unit of the build cache, whose keys cover the
// binary's identity: internal/build memo.go). A key is given only for a
// workload whose JSON follows from that text alone; any other workload is
// evaluated on every load. TestMemoIsEvaluating compares loads with and
// without a memo over random edits.
type Memo interface {
	// Load returns the JSON stored under key, if any.
	Load(key []byte) ([]byte, bool)
	// Store keeps a workload's JSON, validated, under key.
	Store(key, json []byte)
}

// memoKeys returns the memo key of each workload whose JSON depends only
// on the text of its value: the spec declares it once, in a workloads
// struct of plain fields at the top of a file, and its value names
// nothing (no identifier but plain labels: no reference, hidden field,
// definition, let, import or builtin). Anything else in a workloads
// struct (a pattern, an embedding, a comprehension, a let, a hidden
// field or definition, an alias, an optional or required field) may add
// to every workload, and a file attribute (@experiment) changes how
// values read: then no workload gets a key.
func memoKeys(files []*ast.File) map[string][]byte {
	values := map[string][]ast.Expr{}
	var order []string
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.Attribute:
				return nil
			case *ast.Field:
				name, _, err := ast.LabelName(d.Label)
				if err != nil {
					return nil // inParts declines it anyway (topLevelLabels)
				}
				if name != "workloads" {
					continue
				}
				st, ok := d.Value.(*ast.StructLit)
				if !ok || d.Constraint != token.ILLEGAL || !isPlainLabel(d.Label) {
					return nil // an alias, say, that the workloads might read
				}
				for _, e := range st.Elts {
					w, ok := e.(*ast.Field)
					if !ok || w.Constraint != token.ILLEGAL || !isPlainLabel(w.Label) {
						if _, comment := e.(*ast.CommentGroup); comment {
							continue
						}
						return nil
					}
					wname, _, err := ast.LabelName(w.Label)
					if err != nil {
						return nil
					}
					if values[wname] == nil {
						order = append(order, wname)
					}
					values[wname] = append(values[wname], w.Value)
				}
			}
		}
	}
	keys := make(map[string][]byte, len(order))
	for _, name := range order {
		v := values[name]
		if len(v) != 1 || namesAnything(v[0]) {
			continue
		}
		text, err := format.Node(v[0])
		if err != nil {
			continue
		}
		keys[name] = append(append([]byte(name), 0), text...)
	}
	return keys
}

// isPlainLabel: an identifier that is not hidden, a definition or
// reserved, or a quoted string (not an interpolation, a pattern, a
// dynamic label or an alias).
func isPlainLabel(l ast.Label) bool {
	switch l := l.(type) {
	case *ast.Ident:
		return !strings.HasPrefix(l.Name, "_") && !strings.HasPrefix(l.Name, "#")
	case *ast.BasicLit:
		return l.Kind == token.STRING
	}
	return false
}

// namesAnything reports an expression that refers to anything (refs:
// another field, a hidden field, a definition, a let, an import, a
// builtin): what it names could change without its text.
func namesAnything(x ast.Expr) bool {
	found := false
	refs(x, func(*ast.Ident) bool {
		found = true
		return false
	})
	return found
}
