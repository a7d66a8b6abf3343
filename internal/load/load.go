// Package load reads a spec directory: every .cue file in it, built as one
// CUE package, unified with the embedded schema's #Spec and validated. CUE
// errors come back as diagnostics positioned in the user's files.
package load

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/schema"
)

// SchemaFile is the name the embedded schema's positions carry.
const SchemaFile = "<schema>/schema.cue"

// File is one input file.
type File struct {
	Name string // as printed in diagnostics
	Data []byte
}

// Result is a loaded, validated spec.
type Result struct {
	// Value is the spec unified with #Spec: concrete, defaults applied;
	// without its workloads when Workloads is set.
	Value cue.Value
	// Workloads, when the spec was loaded in parts (Files, parts.go), are
	// its workloads, each unified with #Spec's workloads on its own and
	// validated, in the order written; nil when it was loaded whole (Value
	// holds them then).
	Workloads []Workload
	// Positions maps a field path (see PathString) to where the user wrote it.
	Positions map[string]diag.Pos
	// Files are the inputs, for tools that want to show source lines.
	Files []File
	// Environments are the spec's environments, each the whole spec with the
	// environment's overrides applied, sorted by name.
	Environments []*Environment
}

// Environment is one environment's spec.
type Environment struct {
	Name string
	// Value and Positions as in Result; a path the environment overrides is
	// positioned at the override.
	Value     cue.Value
	Positions map[string]diag.Pos
}

// Dir reads every *.cue file directly in dir (sorted by name) and loads them.
func Dir(dir string) (*Result, diag.List) { return DirMemo(dir, nil) }

// DirMemo is Dir taking the workloads it can from memo, and keeping the
// others there (memo.go); nil evaluates every workload.
func DirMemo(dir string, memo Memo) (*Result, diag.List) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, diag.List{{Pos: diag.Pos{File: dir}, Check: "load", Message: readErr(err)}}
	}
	var files []File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".cue") {
			continue
		}
		name := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, diag.List{{Pos: diag.Pos{File: name}, Check: "load", Message: readErr(err)}}
		}
		files = append(files, File{Name: name, Data: data})
	}
	if len(files) == 0 {
		return nil, diag.List{{Pos: diag.Pos{File: dir}, Check: "load", Message: "no .cue files in spec directory"}}
	}
	return FilesMemo(files, memo)
}

func readErr(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// A compiledSchema is the embedded schema compiled into a CUE context of
// its own, with #Spec.
type compiledSchema struct {
	ctx *cue.Context
	def cue.Value
	err error
}

// schemas holds compiled schemas for the loads to come, one load at a
// time each. A CUE runtime keeps every instance built in it, and what was
// evaluated of it, for as long as it lives (runtime.(*Runtime).AddInst,
// called by Build: cuelang.org/go v0.17.1 internal/core/runtime/build.go
// and imports.go): one context kept by the process kept each load's spec
// (~70 MB at 5,000 workloads) through the rest of the build, and every
// spec loaded before. A pool lets go of what it holds at garbage
// collection, the specs loaded in it with it, yet a process that loads
// many specs (the tests, the fuzzers) does not compile and evaluate #Spec
// again for each (a one-workload spec loads in ~2 ms from the pool, ~8 ms
// in a new context).
//
// A Result's values live in the context they were evaluated in, which the
// next load may take from the pool, and a CUE context is not safe for
// concurrent use: decode a Result (package model) before another load
// runs at the same time. Every caller does (build.Dir, build.Files: load,
// then decode, then the next load, if any, one goroutine).
var schemas = sync.Pool{New: func() any {
	ctx := cuecontext.New()
	def, err := specIn(ctx)
	return &compiledSchema{ctx: ctx, def: def, err: err}
}}

// specIn compiles the embedded schema into ctx and returns #Spec.
func specIn(ctx *cue.Context) (cue.Value, error) {
	v := ctx.CompileBytes(schema.Source, cue.Filename(SchemaFile))
	if err := v.Err(); err != nil {
		return cue.Value{}, fmt.Errorf("embedded schema: %w", err)
	}
	return v.LookupPath(cue.MakePath(cue.Def("Spec"))), nil
}

// Files loads the given files as one package. They are processed in the order
// given; callers pass them sorted. A spec whose parts do not refer to one
// another is loaded in parts (parts.go: Result.Workloads), any other whole.
func Files(files []File) (*Result, diag.List) {
	return loadOrReport(files, true, nil)
}

// FilesMemo is Files taking the workloads it can from memo, and keeping
// the others there (memo.go); nil evaluates every workload.
func FilesMemo(files []File, memo Memo) (*Result, diag.List) {
	return loadOrReport(files, true, memo)
}

// FilesWhole is Files unifying the whole spec with #Spec at once, whatever
// the spec (the reference for loading in parts: TestPartsAreWhole).
func FilesWhole(files []File) (*Result, diag.List) {
	return loadOrReport(files, false, nil)
}

// loadOrReport is loadFiles, its diagnostics positioned, and a panic of
// CUE's evaluator turned into a diagnostic: cuelang.org/go v0.17.1
// dereferences nil in adt.(*nodeContext).finalizeDisjunctions
// (internal/core/adt/disjunct2.go) on some inputs (one is
// `@experiment(aliasv2)` with `workloads: a: {self.team}`, in
// internal/model's fuzz corpus). The user gets a refusal that says so,
// not a crash.
func loadOrReport(files []File, parts bool, memo Memo) (res *Result, diags diag.List) {
	compiled := schemas.Get().(*compiledSchema)
	defer func() {
		if r := recover(); r != nil {
			res, diags = nil, diag.List{{Check: "cue", Message: fmt.Sprintf("CUE failed while evaluating the spec (a bug of CUE's, not of the spec necessarily): %v", r)}}
		} else {
			schemas.Put(compiled) // not after a panic: CUE may have left it half evaluated
		}
		// Some CUE errors (structural cycles, for one) carry no
		// position: point them at the top of the first file rather than
		// nowhere.
		for i := range diags {
			if !diags[i].Pos.IsValid() && len(files) > 0 {
				diags[i].Pos = diag.Pos{File: files[0].Name, Line: 1, Col: 1}
			}
		}
	}()
	return loadFiles(compiled, files, parts, memo)
}

func loadFiles(compiled *compiledSchema, files []File, parts bool, memo Memo) (res *Result, diags diag.List) {
	ctx, def, err := compiled.ctx, compiled.def, compiled.err
	if err != nil {
		panic(err) // the embedded schema is tested; a failure here is a build defect
	}
	inst := build.NewContext().NewInstance("spec", nil)
	ix := newSyntaxIndex()
	pkg := ""
	var syntax []*ast.File
	for _, f := range files {
		syn, err := parser.ParseFile(f.Name, f.Data, parser.ParseComments)
		if err != nil {
			diags.Append(fromCUE(err, "cue")...)
			continue
		}
		if name := syn.PackageName(); name != "" {
			if pkg != "" && name != pkg {
				diags.Add(position(syn.Pos()), "cue", "package %s differs from package %s of the other files", name, pkg)
				continue
			}
			pkg = name
		}
		if err := inst.AddSyntax(syn); err != nil {
			diags.Append(fromCUE(err, "cue")...)
			continue
		}
		ix.addFile(syn)
		syntax = append(syntax, syn)
	}
	if len(diags) > 0 {
		return nil, diags.Sorted()
	}
	user := ctx.BuildInstance(inst)
	// The user's files among themselves: conflicting values of two files,
	// imports. These do not hide the rest: the spec is still checked
	// against the schema, and every problem reported in one run.
	var own diag.List
	if err := user.Err(); err != nil {
		own = fromCUE(err, "cue")
	}
	if parts && own == nil {
		if rest, workloads, ok := inParts(ctx, def, user, syntax, memo); ok {
			return &Result{Value: rest, Workloads: workloads, Positions: ix.positions, Files: files}, nil
		}
	}
	v := def.Unify(user)
	if importFailed(own) {
		// Without its imports the spec means little: the schema's
		// complaints would be about the hole, not the user's mistakes.
		return nil, own.Sorted()
	}
	if diags := validate(def, v, user, ix); diags != nil || own != nil {
		return nil, dropInsideWrongTypes(withoutRepeats(own, diags)).Sorted()
	}
	res = &Result{Value: v, Positions: ix.positions, Files: files}
	envs, diags := environments(ctx, def, user, v, ix)
	if diags != nil {
		return nil, diags
	}
	res.Environments = envs
	return res, nil
}

// validate checks a spec unified with #Spec and reports every problem.
// One validation by CUE decides; only a refused spec pays for the
// exhaustive pass that finds every problem to report.
//
// user is the user's value before the schema (the value a message should
// quote: CUE's sometimes quotes the schema's default instead).
func validate(def, v, user cue.Value, ix *syntaxIndex) diag.List {
	if err := v.Validate(cue.Concrete(true), cue.Final()); err == nil {
		return nil
	}
	return exhaustive(def, v, user, ix)
}

// exhaustive reports every problem of v. On a spec CUE accepts it finds
// nothing but literal credentials (which the model reports then): the tests
// and FuzzLoad check it.
func exhaustive(def, v, user cue.Value, ix *syntaxIndex) diag.List {
	ix.detail()
	// CUE reports the worst class of error of a subtree and hides the
	// rest (a misspelt field hides a missing one): validate each subtree
	// on its own so that the user gets every problem in one run.
	raw := cueerrors.Errors(v.Validate())
	validateDeep(v, &raw)
	diags := cleanup(raw, ix.positions, userValue(user))
	diags.Append(notAllowed(def, v, ix.fields, ix.positions)...)
	diags.Append(literalCredentials(ix.stringLits)...)
	return dropExplained(dropInsideWrongTypes(dropInsideBadNames(diags))).Sorted()
}

// dropExplained removes a diagnostic that another at the same position
// repeats with an explanation appended (CUE's "field not allowed" and
// notAllowed's, which says why for a server's signal block).
func dropExplained(l diag.List) diag.List {
	out := l[:0:0]
	for i, d := range l {
		explained := slices.ContainsFunc(l, func(e diag.Diagnostic) bool {
			return e.Pos == d.Pos && e.Check == d.Check && len(e.Message) > len(d.Message) && strings.HasPrefix(e.Message, d.Message+": ")
		})
		if !explained {
			out = append(out, l[i])
		}
	}
	return out
}

// validateDeep collects the errors of v and, where v fails, of each of its
// children.
func validateDeep(v cue.Value, out *[]cueerrors.Error) {
	err := v.Validate(cue.Concrete(true), cue.Final())
	if err == nil {
		return
	}
	*out = append(*out, cueerrors.Errors(err)...)
	// An erroneous value's kind is bottom: try it as a struct and as a list.
	if it, ierr := v.Fields(cue.Optional(false)); ierr == nil {
		for it.Next() {
			validateDeep(it.Value(), out)
		}
	}
	if it, ierr := v.List(); ierr == nil {
		for it.Next() {
			validateDeep(it.Value(), out)
		}
	}
}

// fromCUE turns CUE errors into diagnostics, preferring a position in a
// user's file over one in the schema.
func fromCUE(err error, check string) diag.List {
	var out diag.List
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		msg := explainMessage(fmt.Sprintf(format, args...))
		if where := userPositions(e); len(where) > 1 && conflictRE.MatchString(msg) {
			msg += " (set at " + strings.Join(where, " and ") + ")"
		}
		if strings.HasPrefix(msg, "import ") && strings.HasSuffix(msg, " not found") {
			continue // the import itself is reported, at the import
		}
		if p := e.Path(); len(p) > 0 {
			msg = strings.Join(p, ".") + ": " + msg
		}
		d := diag.Diagnostic{Pos: pickPos(e), Check: check, Message: msg}
		out = append(out, d)
	}
	return out
}

// withoutRepeats is own followed by the diagnostics of more that are not
// about a path own already reports (the schema pass sees the conflicts of
// the user's files again), and without exact repeats.
func withoutRepeats(own, more diag.List) diag.List {
	paths := map[string]bool{}
	for _, d := range own {
		if p, _, ok := strings.Cut(d.Message, ": "); ok {
			paths[p] = true
		}
	}
	out := slices.Clone(own)
	for _, d := range more {
		if p, _, ok := strings.Cut(d.Message, ": "); ok && paths[p] {
			continue
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b diag.Diagnostic) int { return strings.Compare(a.String(), b.String()) })
	return slices.CompactFunc(out, func(a, b diag.Diagnostic) bool { return a.String() == b.String() })
}

func pickPos(e cueerrors.Error) diag.Pos {
	cands := append([]token.Pos{e.Position()}, e.InputPositions()...)
	var schemaPos diag.Pos
	for _, p := range cands {
		if !p.IsValid() {
			continue
		}
		dp := position(p)
		if dp.File != SchemaFile {
			return dp
		}
		if !schemaPos.IsValid() {
			schemaPos = dp
		}
	}
	return schemaPos
}

func position(p token.Pos) diag.Pos {
	if !p.IsValid() {
		return diag.Pos{}
	}
	pp := p.Position()
	return diag.Pos{File: pp.Filename, Line: pp.Line, Col: pp.Column}
}

// PathString renders a field path the way Positions keys it: selectors joined
// by '.', a selector that is not a plain identifier quoted, list indices as
// decimal selectors.
func PathString(sels ...string) string {
	var b strings.Builder
	for i, s := range sels {
		if i > 0 {
			b.WriteByte('.')
		}
		if isIdent(s) {
			b.WriteString(s)
		} else {
			b.WriteString(fmt.Sprintf("%q", s))
		}
	}
	return b.String()
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r == '$' || r == '#' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z'):
		case i > 0 && ('0' <= r && r <= '9'):
		case i == 0 && ('0' <= r && r <= '9'):
			// list indices: all digits
			return allDigits(s)
		default:
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// syntaxIndex is what the loader learns from the user's syntax (not the
// evaluated value, which mixes in schema defaults).
type syntaxIndex struct {
	// positions maps PathString paths to where the user wrote them.
	positions map[string]diag.Pos

	// fields and stringLits serve only the diagnostics of a spec CUE
	// refuses: they are filled by detail, on the first need.
	//
	// fields are the selectors of every regular field, for notAllowed.
	fields [][]cue.Selector
	// stringLits maps dotted paths of fields written as a string literal.
	stringLits map[string]diag.Pos

	files    []*ast.File
	detailed bool
	// derive fills fields and stringLits of an environment's index.
	derive func(*syntaxIndex)
}

func newSyntaxIndex() *syntaxIndex {
	return &syntaxIndex{positions: map[string]diag.Pos{}, stringLits: map[string]diag.Pos{}}
}

// addFile records the positions of a file's fields.
func (ix *syntaxIndex) addFile(f *ast.File) {
	ix.files = append(ix.files, f)
	ix.addDecls(walk{}, f.Decls)
}

// detail fills fields and stringLits.
func (ix *syntaxIndex) detail() {
	if ix.detailed {
		return
	}
	ix.detailed = true
	if ix.derive != nil {
		ix.derive(ix)
		return
	}
	for _, f := range ix.files {
		ix.addDecls(walk{detail: true}, f.Decls)
	}
}

// walk is where addDecls and addExpr are in the syntax: key is the
// PathString of the path, built one selector at a time; path and sels are
// kept only when detail is set.
type walk struct {
	key    string
	path   []string
	sels   []cue.Selector
	detail bool
}

// child is the walk one selector below w (sel is a field name or a list
// index in decimal).
func (w walk) child(sel string) walk {
	seg := sel
	if !isIdent(sel) {
		seg = strconv.Quote(sel)
	}
	c := walk{key: seg, detail: w.detail}
	if w.key != "" {
		c.key = w.key + "." + seg
	}
	if w.detail {
		c.path = append(slices.Clip(w.path), sel)
	}
	return c
}

// addDecls records the fields of a struct (or file) at w.
func (ix *syntaxIndex) addDecls(w walk, decls []ast.Decl) {
	for _, d := range decls {
		f, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name, ok := labelName(f.Label)
		if !ok {
			continue
		}
		c := w.child(name)
		if _, seen := ix.positions[c.key]; !seen {
			ix.positions[c.key] = position(f.Label.Pos())
		}
		if w.detail {
			regular := !strings.HasPrefix(name, "#") && !strings.HasPrefix(name, "_")
			if regular && (w.sels != nil || len(w.path) == 0) {
				c.sels = append(slices.Clip(w.sels), cue.Str(name))
				ix.fields = append(ix.fields, c.sels)
			}
			if lit, ok := f.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				ix.stringLits[strings.Join(c.path, ".")] = position(f.Label.Pos())
			}
		}
		ix.addExpr(c, f.Value)
	}
}

func (ix *syntaxIndex) addExpr(w walk, e ast.Expr) {
	switch x := e.(type) {
	case *ast.StructLit:
		ix.addDecls(w, x.Elts)
	case *ast.ListLit:
		for i, el := range x.Elts {
			c := w.child(strconv.Itoa(i))
			if _, seen := ix.positions[c.key]; !seen {
				ix.positions[c.key] = position(el.Pos())
			}
			if w.detail && w.sels != nil {
				c.sels = append(slices.Clip(w.sels), cue.Index(i))
			}
			ix.addExpr(c, el)
		}
	case *ast.BinaryExpr:
		if x.Op == token.AND {
			ix.addExpr(w, x.X)
			ix.addExpr(w, x.Y)
		}
	}
}

// notAllowed reports fields the schema does not define. CUE skips the
// closedness check of a struct that has other errors, but a misspelt field
// must be reported in the same run as the rest.
func notAllowed(def, v cue.Value, fields [][]cue.Selector, positions map[string]diag.Pos) diag.List {
	var out diag.List
	badName := ""
	for _, sels := range fields {
		names := make([]string, len(sels))
		for i, s := range sels {
			names[i] = s.String()
			if s.Type() == cue.StringLabel {
				names[i] = s.Unquoted()
			}
		}
		path := strings.Join(names, ".")
		if badName != "" && strings.HasPrefix(path, badName+".") {
			continue // inside a map entry whose name is already reported
		}
		if len(names) > 2 && names[0] == "environments" {
			// An environment's overrides are open in #Spec: they are
			// checked merged into the environment's spec, on their own.
			continue
		}
		parent, ok := schemaNode(def, v, sels[:len(sels)-1])
		last := sels[len(sels)-1]
		if !ok || parent.Allows(last) {
			continue
		}
		pos := positions[PathString(names...)]
		if want, ok := keyRule(names[:len(names)-1]); ok {
			badName = path
			out.Add(pos, "cue", "%s: %q is not a valid name: want %s", PathString(names[:len(names)-1]...), names[len(names)-1], want)
			continue
		}
		out.Add(pos, "cue", "%s: field not allowed%s", PathString(names...), serverHint(v, names))
	}
	return out
}

// dropInsideBadNames removes the errors about the fields of a map entry
// whose name is invalid: the name is the one problem there.
func dropInsideBadNames(l diag.List) diag.List {
	var bad []string
	for _, d := range l {
		if i := strings.Index(d.Message, " is not a valid name: want "); i >= 0 {
			// "<map>: "<key>" is not ...": the entry's path
			m, key, _ := strings.Cut(d.Message[:i], ": ")
			k, err := strconv.Unquote(key)
			if err != nil {
				continue
			}
			bad = append(bad, m+"."+PathString(k)+".", m+"."+k+".", m+"."+PathString(k)+": ")
		}
	}
	out := l[:0]
	for _, d := range l {
		if !slices.ContainsFunc(bad, func(p string) bool { return strings.HasPrefix(d.Message, p) }) {
			out = append(out, d)
		}
	}
	return out
}

// dropInsideWrongTypes removes "field not allowed" inside a value whose
// type is wrong (a struct where a string belongs): its fields are not
// a second problem.
func dropInsideWrongTypes(l diag.List) diag.List {
	var wrong []string
	for _, d := range l {
		if strings.Contains(d.Message, "mismatched types") || strings.Contains(d.Message, " is of type struct, want ") || strings.Contains(d.Message, " is not a Secret reference: ") {
			if p, _, ok := strings.Cut(d.Message, ": "); ok {
				wrong = append(wrong, p+".")
			}
		}
	}
	for _, d := range l {
		// A wrong kind: the kind's own block (training, inference) is
		// then not allowed either, which is the same mistake.
		if p, _, ok := strings.Cut(d.Message, ": "); ok && strings.HasSuffix(p, ".kind") && !strings.HasSuffix(d.Message, ": field not allowed") {
			wrong = append(wrong, strings.TrimSuffix(p, "kind"))
		}
	}
	out := l[:0]
	for _, d := range l {
		inside := strings.HasSuffix(d.Message, ": field not allowed") &&
			slices.ContainsFunc(wrong, func(p string) bool { return strings.HasPrefix(d.Message, p) })
		if !inside {
			out = append(out, d)
		}
	}
	return out
}

// schemaNode finds the schema's value at sels, without the user's fields
// (a unified value allows every field it has). A map entry is instantiated
// from its pattern with only the user's `kind`, the schema's discriminator.
func schemaNode(def, v cue.Value, sels []cue.Selector) (cue.Value, bool) {
	node := def
	for i, s := range sels {
		if s.Type() == cue.IndexLabel {
			node = node.LookupPath(cue.MakePath(cue.AnyIndex))
			if !node.Exists() {
				return node, false
			}
			continue
		}
		next := node.LookupPath(cue.MakePath(s))
		if !next.Exists() {
			fill := map[string]any{}
			kindPath := cue.MakePath(append(slices.Clone(sels[:i+1]), cue.Str("kind"))...)
			if k, err := v.LookupPath(kindPath).String(); err == nil {
				fill["kind"] = k
			}
			next = node.FillPath(cue.MakePath(s), fill).LookupPath(cue.MakePath(s))
			if !next.Exists() {
				return next, false
			}
		}
		node = next
	}
	return node, true
}

func labelName(l ast.Label) (string, bool) {
	switch x := l.(type) {
	case *ast.Ident:
		return x.Name, true
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			s, err := literalString(x.Value)
			return s, err == nil
		}
	}
	return "", false
}
