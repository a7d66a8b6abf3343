package load

import (
	"slices"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"
)

// Workload is one workload of a spec loaded in parts: its name and its
// value, unified with #Spec's constraints on a workload, validated and
// concrete, as JSON.
type Workload struct {
	Name string
	JSON []byte
}

// inParts loads a spec part by part: each top-level field unified with
// #Spec's field of that name, each workload alone in #Spec's workloads,
// one at a time, each validated as the whole spec would be. rest is the
// spec without its workloads; each workload is kept as JSON only, so that
// its evaluated value (CUE's graph of the workload and the schema, tens
// of kB) is let go of before the next is evaluated.
//
// Why: unifying the whole spec with #Spec keeps every workload's graph in
// memory at once: at 5,000 workloads, 490-560 MiB of live heap, as much as
// the checks hold at their peak. In parts the load holds one workload's
// graph and the others' JSON: load and decode of 5,000 workloads peak at
// ~160 MiB of RSS instead of ~960, for about the same CPU (5.0 against 5.2
// CPU-s).
//
// It is the same as unifying the whole only for a spec whose parts do not
// refer to one another (selfContained): a reference from a workload to
// another field sees that field as the user wrote it, not as the schema
// completes it (a default filled in, a disjunction narrowed). So inParts
// declines (ok false) a spec with such references, with environments, with
// top-level fields #Spec does not know, or with anything CUE refuses; the
// caller then loads it whole (the reference path, which also reports every
// problem). TestPartsAreWhole (package model) compares the two.
//
// def is #Spec. A workload memo holds under its key (memoKeys) is taken
// from there, and one it does not is kept there once validated.
func inParts(ctx *cue.Context, def, user cue.Value, files []*ast.File, memo Memo) (rest cue.Value, workloads []Workload, ok bool) {
	labels, ok := topLevelLabels(files)
	if !ok || !selfContained(files) {
		return cue.Value{}, nil, false
	}
	fields := fieldNames(def)
	for _, l := range labels {
		if !slices.Contains(fields, l) || l == "environments" {
			return cue.Value{}, nil, false
		}
	}
	rest = ctx.CompileString("{}")
	for _, name := range fields {
		if name == "workloads" || name == "environments" {
			continue
		}
		path := cue.MakePath(cue.Str(name))
		v := def.LookupPath(path)
		if slices.Contains(labels, name) {
			v = v.Unify(user.LookupPath(path))
		}
		if v.Validate(cue.Concrete(true), cue.Final()) != nil {
			return cue.Value{}, nil, false
		}
		rest = rest.FillPath(path, v)
	}
	if !slices.Contains(labels, "workloads") {
		return rest, []Workload{}, true
	}
	it, err := user.LookupPath(cue.MakePath(cue.Str("workloads"))).Fields()
	if err != nil {
		return cue.Value{}, nil, false
	}
	schema := def.LookupPath(cue.MakePath(cue.Str("workloads")))
	empty := ctx.CompileString("{}")
	var keys map[string][]byte
	if memo != nil {
		keys = memoKeys(files)
	}
	for it.Next() {
		sel := it.Selector()
		key := keys[sel.Unquoted()]
		if key != nil {
			if data, ok := memo.Load(key); ok {
				workloads = append(workloads, Workload{Name: sel.Unquoted(), JSON: data})
				continue
			}
		}
		// The workload alone in #Spec's workloads: its pattern ([#Name]:
		// #Workload) and whatever else #Spec says of a workload apply.
		one := schema.Unify(empty.FillPath(cue.MakePath(sel), it.Value()))
		if one.Validate(cue.Concrete(true), cue.Final()) != nil {
			return cue.Value{}, nil, false
		}
		data, err := one.LookupPath(cue.MakePath(sel)).MarshalJSON()
		if err != nil {
			return cue.Value{}, nil, false
		}
		if key != nil {
			memo.Store(key, data)
		}
		workloads = append(workloads, Workload{Name: sel.Unquoted(), JSON: data})
	}
	return rest, workloads, true
}

// fieldNames are the names of v's fields, in order.
func fieldNames(v cue.Value) []string {
	var out []string
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil
	}
	for it.Next() {
		out = append(out, it.Selector().Unquoted())
	}
	return out
}

// topLevelLabels are the labels of the regular fields the files declare at
// the top (each once, in order), or ok false when a file declares anything
// else there than fields with plain labels, imports, lets, hidden fields
// and definitions (an embedding, a comprehension, a pattern or dynamic
// label, an optional or required field).
func topLevelLabels(files []*ast.File) (labels []string, ok bool) {
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.Package, *ast.ImportDecl, *ast.CommentGroup, *ast.Attribute, *ast.LetClause:
			case *ast.Field:
				if d.Constraint != token.ILLEGAL {
					return nil, false
				}
				name, isIdent, err := ast.LabelName(d.Label)
				if err != nil {
					return nil, false
				}
				if isIdent && (strings.HasPrefix(name, "_") || strings.HasPrefix(name, "#")) {
					continue // the user's own: #Spec neither allows nor refuses them
				}
				if !slices.Contains(labels, name) {
					labels = append(labels, name)
				}
			default:
				return nil, false
			}
		}
	}
	return labels, true
}

// selfContained reports files whose expressions refer to nothing the
// schema constrains: every identifier in them names a hidden field, a
// definition, a let, a comprehension's variable, an import or one of CUE's
// predeclared identifiers (as the parser resolves them: it points each
// reference at what declares it). A reference to a regular field
// (stack.namespace, workloads.a), or one that cannot be told apart from
// it, makes the spec one inParts declines.
func selfContained(files []*ast.File) bool {
	for _, f := range files {
		ok := true
		refs(f, func(id *ast.Ident) bool {
			ok = safeIdent(id)
			return ok
		})
		if !ok {
			return false
		}
	}
	return true
}

// refs calls ref with each identifier in n that refers to something, as
// the parser resolves it (it points each reference at what declares it),
// until ref returns false: not a plain label, the field name of a
// selector, the name a let or import declares, nor a variable a
// comprehension in n declares (or a reference to one).
func refs(n ast.Node, ref func(*ast.Ident) bool) {
	stop := false
	forVars := map[*ast.Ident]bool{} // the variables the comprehensions declare
	var visit func(n ast.Node) bool
	walk := func(n ast.Node) {
		if n != nil && !stop {
			ast.Walk(n, visit, nil)
		}
	}
	visit = func(n ast.Node) bool {
		if stop {
			return false
		}
		switch n := n.(type) {
		case *ast.Field:
			// A plain label declares; any other (a pattern, a dynamic
			// label, an alias) holds expressions.
			switch n.Label.(type) {
			case *ast.Ident, *ast.BasicLit:
			default:
				walk(n.Label)
			}
			walk(n.Value)
			return false
		case *ast.SelectorExpr:
			walk(n.X) // n.Sel is a label
			return false
		case *ast.LetClause:
			walk(n.Expr) // n.Ident is declared here
			return false
		case *ast.ForClause:
			// n.Key and n.Value are declared here; a reference to one
			// resolves to its Ident.
			forVars[n.Key], forVars[n.Value] = true, true
			walk(n.Source)
			return false
		case *ast.ImportDecl, *ast.Package:
			return false
		case *ast.Ident:
			if decl, isIdent := n.Node.(*ast.Ident); isIdent && forVars[decl] {
				return false
			}
			stop = !ref(n)
			return false
		}
		return true
	}
	walk(n)
}

// predeclared are CUE's predeclared types and functions: the names
// cuelang.org/go's internal/core/compile/predeclared.go (v0.17.1) compiles
// to a builtin when nothing in scope declares them. Not "self", which
// refers to the enclosing struct, nor the "__" forms of these names.
var predeclared = map[string]bool{
	"bool": true, "bytes": true, "float": true, "int": true, "number": true, "string": true, "error": true,
	"len": true, "close": true, "and": true, "or": true, "div": true, "mod": true, "quo": true, "rem": true,
	"matchIf": true, "matchN": true,
}

func safeIdent(id *ast.Ident) bool {
	if strings.HasPrefix(id.Name, "__") {
		return false // reserved: the predeclared names' other spelling (__self)
	}
	if strings.HasPrefix(id.Name, "_") || strings.HasPrefix(id.Name, "#") {
		return true
	}
	switch id.Node.(type) {
	case *ast.ImportSpec, *ast.LetClause:
		return true
	case nil:
		return predeclared[id.Name] // no declaration in reach: the builtin
	}
	// A field: a regular one, or one that shadows a predeclared name (a
	// workload named string, read as string.team by another).
	return false
}
