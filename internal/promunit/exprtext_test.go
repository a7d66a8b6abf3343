package promunit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExprTextMatchesParsed: rule expressions printing their text computed
// once (and rule managers recording no rule dependencies) give exactly the
// failures of the parsed expressions with Prometheus's dependency
// controller, on the comparison cases of 200 synthetic workloads (6 with
// -short) and on the edge rules of the step cache and the input layer
// (rules reading recording rules, ALERTS, selectors without a name,
// template queries...).
func TestExprTextMatchesParsed(t *testing.T) {
	cases, _ := everyCase(t)
	sameFailures(t, cases, "text once", "parsed", toggled(exprText))
}

// walkers are the functions that walk an expression with parser.Walk and
// panic on a node type they do not know, such as a textExpr.
var walkers = map[string]bool{
	"parser.Walk": true, "parser.Inspect": true, "parser.ChildrenIter": true,
	"parser.Children": true, "parser.ExtractSelectors": true, "parser.Tree": true,
	"promql.PreprocessExpr": true, "promql.FindMinMaxTime": true,
}

// TestOneWalker: the package walks expressions only in inspect (which
// unwraps a textExpr), and every rule manager it makes has a dependency
// controller of its own choosing (Prometheus's walks every rule).
func TestOneWalker(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	inspectCalls, managers := 0, 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, _ := d.(*ast.FuncDecl)
			ast.Inspect(d, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.SelectorExpr:
					id, ok := n.X.(*ast.Ident)
					if !ok || !walkers[id.Name+"."+n.Sel.Name] {
						return true
					}
					if fn == nil || fn.Name.Name != "inspect" || fn.Recv != nil {
						t.Errorf("%s: %s.%s outside inspect: a textExpr would make it panic", fset.Position(n.Pos()), id.Name, n.Sel.Name)
					} else {
						inspectCalls++
					}
				case *ast.CompositeLit:
					sel, ok := n.Type.(*ast.SelectorExpr)
					if !ok || sel.Sel.Name != "ManagerOptions" {
						return true
					}
					managers++
					set := false
					for _, e := range n.Elts {
						if kv, ok := e.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "RuleDependencyController" {
								set = true
							}
						}
					}
					if !set {
						t.Errorf("%s: rules.ManagerOptions without RuleDependencyController: Prometheus's would walk textExprs", fset.Position(n.Pos()))
					}
				}
				return true
			})
		}
	}
	if inspectCalls != 1 || managers == 0 {
		t.Errorf("found %d walks in inspect and %d rule manager options: the test no longer sees the code", inspectCalls, managers)
	}
}
