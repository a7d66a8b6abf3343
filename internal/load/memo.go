package load

import (
	"crypto/sha256"
	"encoding/binary"
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
// A workload's key is its name and the text of its value and of what it
// may read, as written (memoKeys); the memo's own key must add what else
// decides the JSON:
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
// on text the key holds. In a spec inParts takes apart (selfContained: no
// expression refers to a regular field), a workload's value is what its
// own declaration says, with the patterns of the workloads structs that
// match it, where an identifier names something declared inside that
// text or one of: a hidden field, definition or let of a workloads
// struct; a hidden field, definition, let or import at the top of a file
// (a let or import only in its own file); or a builtin. So a workload's
// key is its name, the file it is declared in, its value's text
// (format.Node), and the SHA-256 of the text of every declaration of
// those kinds and of every pattern, file by file (the context): a change
// to any of them gives every workload a new key.
//
// A workload declared more than once gets no key. Anything else in a
// workloads struct (an embedding, a comprehension, an optional or
// required field, a dynamic or interpolated label, an alias) may add
// workloads or fields the counting does not see, and a file attribute
// (@experiment) changes how values read: then no workload gets one.
func memoKeys(files []*ast.File) map[string][]byte {
	type decl struct {
		file  int
		value ast.Expr
	}
	decls := map[string][]decl{}
	var order []string
	var context []byte
	addContext := func(n ast.Node) bool {
		text, err := format.Node(n)
		if err != nil {
			return false
		}
		// Tagged and length-prefixed, so that no two contexts read the same.
		context = append(binary.AppendUvarint(append(context, 'd'), uint64(len(text))), text...)
		return true
	}
	for i, f := range files {
		context = binary.AppendUvarint(append(context, 'f'), uint64(i))
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.Attribute:
				return nil
			case *ast.CommentGroup:
			case *ast.Field:
				name, isIdent, err := ast.LabelName(d.Label)
				if err != nil {
					return nil // inParts declines it anyway (topLevelLabels)
				}
				if isIdent && (strings.HasPrefix(name, "_") || strings.HasPrefix(name, "#")) {
					if !addContext(d) {
						return nil
					}
					continue
				}
				if name != "workloads" {
					continue // a regular field, which no workload can read here
				}
				st, ok := d.Value.(*ast.StructLit)
				if !ok || d.Constraint != token.ILLEGAL || !isPlainLabel(d.Label) {
					return nil // an alias, say, that the workloads might read
				}
				for _, e := range st.Elts {
					switch e := e.(type) {
					case *ast.CommentGroup:
					case *ast.LetClause:
						if !addContext(e) {
							return nil
						}
					case *ast.Field:
						if e.Constraint != token.ILLEGAL {
							return nil
						}
						if isPlainLabel(e.Label) {
							wname, _, err := ast.LabelName(e.Label)
							if err != nil {
								return nil
							}
							if decls[wname] == nil {
								order = append(order, wname)
							}
							decls[wname] = append(decls[wname], decl{i, e.Value})
							continue
						}
						switch l := e.Label.(type) {
						case *ast.Ident: // hidden or a definition
						case *ast.ListLit: // a pattern: [string]: ...
							if len(l.Elts) != 1 {
								return nil
							}
						default:
							return nil
						}
						if !addContext(e) {
							return nil
						}
					default:
						return nil
					}
				}
			case *ast.Package, *ast.ImportDecl, *ast.LetClause:
				if !addContext(d) {
					return nil
				}
			default:
				return nil // an embedding, a comprehension: inParts declines them anyway
			}
		}
	}
	// Every key holds the context: its digest, made once, not a copy of
	// its text per workload (a shared _defaults of a few KB would be
	// copied and hashed again for each of thousands of workloads).
	digest := sha256.Sum256(context)
	keys := make(map[string][]byte, len(order))
	for _, name := range order {
		d := decls[name]
		if len(d) != 1 {
			continue
		}
		text, err := format.Node(d[0].value)
		if err != nil {
			continue
		}
		// Each part length-prefixed: a quoted name may hold any byte.
		var key []byte
		for _, part := range [][]byte{[]byte(name), binary.AppendUvarint(nil, uint64(d[0].file)), digest[:], text} {
			key = append(binary.AppendUvarint(key, uint64(len(part))), part...)
		}
		keys[name] = key
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
