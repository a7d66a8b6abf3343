package load

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// TestSyntaxIndexMatchesReference: positions, fields and string literals
// are what the straightforward index finds, for the examples, the corpus,
// a synthetic spec and specs with quoted labels, lists and environments.
func TestSyntaxIndexMatchesReference(t *testing.T) {
	for name, files := range indexSpecs(t) {
		ix, ref := newSyntaxIndex(), newRefIndex()
		for _, f := range files {
			syn, err := parser.ParseFile(f.Name, f.Data, parser.ParseComments)
			if err != nil {
				continue
			}
			ix.addFile(syn)
			ref.addDecls(nil, nil, syn.Decls)
		}
		if !maps.Equal(ix.positions, ref.positions) {
			t.Errorf("%s: positions differ", name)
		}
		ix.detail()
		if !maps.Equal(ix.stringLits, ref.stringLits) {
			t.Errorf("%s: string literals differ:\n%v\n%v", name, ix.stringLits, ref.stringLits)
		}
		if !reflect.DeepEqual(selStrings(ix.fields), selStrings(ref.fields)) {
			t.Errorf("%s: fields differ:\n%v\n%v", name, selStrings(ix.fields), selStrings(ref.fields))
		}
		for _, env := range []string{"dev", "prod", "x"} {
			e, r := ix.forEnvironment(env), refForEnvironment(ref, env)
			e.detail()
			if !maps.Equal(e.positions, r.positions) || !maps.Equal(e.stringLits, r.stringLits) ||
				!reflect.DeepEqual(selStrings(e.fields), selStrings(r.fields)) {
				t.Errorf("%s: environment %s differs", name, env)
			}
		}
	}
}

func selStrings(fields [][]cue.Selector) []string {
	var out []string
	for _, sels := range fields {
		var s []string
		for _, sel := range sels {
			s = append(s, sel.String())
		}
		out = append(out, strings.Join(s, " "))
	}
	return out
}

func indexSpecs(t *testing.T) map[string][]File {
	out := map[string][]File{}
	for _, dir := range []string{"../../examples/dataops", "../../examples/environments"} {
		paths, _ := filepath.Glob(dir + "/*.cue")
		var files []File
		for _, p := range paths {
			files = append(files, File{Name: p, Data: mustRead(t, p)})
		}
		out[dir] = files
	}
	corpus, _ := filepath.Glob("../cli/testdata/corpus/*.txtar")
	if len(corpus) == 0 {
		t.Fatal("no corpus")
	}
	for _, p := range corpus {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if strings.HasSuffix(f.Name, ".cue") {
				out[p] = append(out[p], File{Name: f.Name, Data: f.Data})
			}
		}
	}
	out["synth"] = synthFiles(50)
	out["edge"] = []File{{Name: "edge.cue", Data: []byte(`apiVersion: "dataopsgen.dev/v1alpha1"
_helper: {kind: "training"}
#Def: {a: 1}
"quoted key": {"with space": "v", "a.b": ["x", {y: "z"}]}
workloads: "w-1": _helper & {namespace: "ml", selector: "app.kubernetes.io/name": "w"}
workloads: "w-1": {namespace: "ml"}
alerting: receivers: r: webhook: url: "http://x"
stack: prometheus: remoteWrite: [{url: "https://a", password: "p"}, {url: "https://b"}]
environments: dev: {alerting: receivers: r: slack: apiURL: "lit", stack: prometheus: retention: "1d"}
environments: prod: workloads: "w-1": team: "t"
`)}}
	return out
}

func refForEnvironment(ix *refIndex, name string) *refIndex {
	prefix := PathString("environments", name) + "."
	out := newRefIndex()
	for k, p := range ix.positions {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out.positions[rest] = p
		} else if _, taken := out.positions[k]; !taken && !strings.HasPrefix(k, "environments") {
			out.positions[k] = p
		}
	}
	dotted := "environments." + name + "."
	for k, p := range ix.stringLits {
		if rest, ok := strings.CutPrefix(k, dotted); ok {
			out.stringLits[rest] = p
		}
	}
	for _, sels := range ix.fields {
		if len(sels) > 2 && sels[0].Unquoted() == "environments" && sels[1].Unquoted() == name {
			out.fields = append(out.fields, sels[2:])
		} else if len(sels) > 0 && sels[0].Unquoted() != "environments" {
			out.fields = append(out.fields, sels)
		}
	}
	return out
}

// refIndex is the syntax index before positions were built one selector
// at a time and the rest on demand: the reference the index is tested against.
type refIndex struct {
	// positions maps PathString paths to where the user wrote them.
	positions map[string]diag.Pos
	// fields are the selectors of every regular field, for notAllowed.
	fields [][]cue.Selector
	// stringLits maps dotted paths of fields written as a string literal.
	stringLits map[string]diag.Pos
}

func newRefIndex() *refIndex {
	return &refIndex{positions: map[string]diag.Pos{}, stringLits: map[string]diag.Pos{}}
}

// addDecls records the fields of a struct (or file) at path.
func (ix *refIndex) addDecls(path []string, sels []cue.Selector, decls []ast.Decl) {
	for _, d := range decls {
		f, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name, ok := labelName(f.Label)
		if !ok {
			continue
		}
		p := append(slices.Clone(path), name)
		key := PathString(p...)
		if _, seen := ix.positions[key]; !seen {
			ix.positions[key] = position(f.Label.Pos())
		}
		var s []cue.Selector
		regular := !strings.HasPrefix(name, "#") && !strings.HasPrefix(name, "_")
		if regular && (sels != nil || len(path) == 0) {
			s = append(slices.Clone(sels), cue.Str(name))
			ix.fields = append(ix.fields, s)
		}
		if lit, ok := f.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			ix.stringLits[strings.Join(p, ".")] = position(f.Label.Pos())
		}
		ix.addExpr(p, s, f.Value)
	}
}

func (ix *refIndex) addExpr(path []string, sels []cue.Selector, e ast.Expr) {
	switch x := e.(type) {
	case *ast.StructLit:
		ix.addDecls(path, sels, x.Elts)
	case *ast.ListLit:
		for i, el := range x.Elts {
			p := append(slices.Clone(path), fmt.Sprint(i))
			key := PathString(p...)
			if _, seen := ix.positions[key]; !seen {
				ix.positions[key] = position(el.Pos())
			}
			var s []cue.Selector
			if sels != nil {
				s = append(slices.Clone(sels), cue.Index(i))
			}
			ix.addExpr(p, s, el)
		}
	case *ast.BinaryExpr:
		if x.Op == token.AND {
			ix.addExpr(path, sels, x.X)
			ix.addExpr(path, sels, x.Y)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
