package promunit_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// TestParseCacheMatchesParsing: the engines' copies of cached parses give
// exactly the failures of parsing every query, on the comparison cases of
// 200 synthetic workloads (6 with -short) and the edge rules of the step
// cache and the input layer.
func TestParseCacheMatchesParsing(t *testing.T) {
	cases, _ := everyCase(t)
	sameFailures(t, cases, "cached parse", "parsed", toggled(parseCache))
}

// cloneCorpus are expressions with every node type and modifier the
// parser makes without feature flags.
var cloneCorpus = []string{
	`sum by (job) (rate(errors_total{job="app", instance=~"a|b"}[5m] offset 1m)) > 0.5`,
	`topk(3, errors_total) / on (job) group_left (instance) sum without (instance) (errors_total)`,
	`count_values("v", errors_total) or vector(1) unless on () absent(up)`,
	`max_over_time(rate(errors_total[2m])[10m:1m] @ start()) > bool 1`,
	`errors_total @ end() - errors_total offset -2m`,
	`errors_total @ 1000 and -(errors_total) < +2`,
	`quantile(0.9, histogram_quantile(0.5, sum by (le) (rate(latency_bucket[5m]))))`,
	`label_replace(errors_total, "x", "$1", "instance", "(.*)") == bool (1 != bool 2)`,
	`time() - timestamp(up) > 1e3 and day_of_week() > 0`,
	`(errors_total)`, `1`, `"s"`, `{job="app"}`,
}

// TestCloneExpr: a copy of a parse equals it, and shares no node, slice
// or pointer with it but the label matchers and function definitions,
// even after the engine preprocesses the copy; on the generated rules'
// expressions, the edge rules and a corpus of every node type.
func TestCloneExpr(t *testing.T) {
	exprs := append([]string(nil), cloneCorpus...)
	spec, byPath := generated(t, 20)
	for _, w := range spec.Workloads {
		groups, err := promunit.ParseRules("rules", byPath[ruletests.Dir+"/"+ruletests.RulesPath(w)])
		if err != nil {
			continue
		}
		for _, g := range groups {
			for _, r := range g.Rules {
				exprs = append(exprs, r.Expr)
			}
		}
	}
	for _, r := range edgeRules {
		if i := strings.Index(r, "expr: "); i >= 0 {
			line := r[i+len("expr: "):]
			line, _, _ = strings.Cut(line, "\n")
			exprs = append(exprs, strings.Trim(line, "'"))
		}
	}
	p := parser.NewParser(parser.Options{})
	for _, q := range exprs {
		a, err := p.ParseExpr(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		before := dump(reflect.ValueOf(a))
		c, ok := promunit.CloneExpr(a)
		if !ok {
			t.Errorf("%s: not copied", q)
			continue
		}
		if !reflect.DeepEqual(a, c) {
			t.Errorf("%s: copy differs:\n%s\n%s", q, parser.Tree(a), parser.Tree(c))
		}
		if shared := sharedPointers(a, c); len(shared) > 0 {
			t.Errorf("%s: copy shares %v", q, shared)
		}
		if _, err := promql.PreprocessExpr(c, time.Unix(0, 0), time.Unix(600, 0), time.Minute); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if after := dump(reflect.ValueOf(a)); after != before {
			t.Errorf("%s: preprocessing the copy changed the original:\n%s\n%s", q, before, after)
		}
	}
}

// dump renders every field of v (a label matcher as its text).
func dump(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return "nil"
		}
		if m, ok := v.Interface().(*labels.Matcher); ok {
			return m.String()
		}
		if fn, ok := v.Interface().(*parser.Function); ok {
			return fn.Name
		}
		return "&" + dump(v.Elem())
	case reflect.Slice:
		var b strings.Builder
		b.WriteString("[")
		for i := range v.Len() {
			b.WriteString(dump(v.Index(i)) + " ")
		}
		return b.String() + "]"
	case reflect.Struct:
		var b strings.Builder
		b.WriteString(v.Type().String() + "{")
		for i := range v.NumField() {
			b.WriteString(v.Type().Field(i).Name + ":" + dump(v.Field(i)) + " ")
		}
		return b.String() + "}"
	}
	return fmt.Sprint(v)
}

// sharedPointers returns the types of the pointers and slice arrays
// reachable from both a and b (label matchers and functions excepted).
func sharedPointers(a, b any) []string {
	seen := map[uintptr]string{}
	collect(reflect.ValueOf(a), func(p uintptr, ty string) { seen[p] = ty })
	var out []string
	collect(reflect.ValueOf(b), func(p uintptr, ty string) {
		if ty2, ok := seen[p]; ok {
			out = append(out, ty+"="+ty2)
		}
	})
	return out
}

func collect(v reflect.Value, f func(uintptr, string)) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			collect(v.Elem(), f)
		}
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		switch v.Type() {
		case reflect.TypeFor[*labels.Matcher](), reflect.TypeFor[*parser.Function]():
			return
		}
		f(v.Pointer(), v.Type().String())
		collect(v.Elem(), f)
	case reflect.Slice:
		if v.Cap() > 0 {
			f(v.Pointer(), v.Type().String())
		}
		for i := range v.Len() {
			collect(v.Index(i), f)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			collect(v.Field(i), f)
		}
	}
}

// cloneExpr lists the node fields of Prometheus v0.316.0's parser by hand:
// a field added by an upgrade would be copied shallowly, unnoticed, and
// could be shared between queries. This fails until cloneExpr is checked
// against the new fields (and this list updated).
func TestCloneExprKnowsEveryField(t *testing.T) {
	known := map[reflect.Type]string{
		reflect.TypeFor[parser.AggregateExpr]():  "Op Expr Param Grouping Without unquotedUTF8Names PosRange",
		reflect.TypeFor[parser.BinaryExpr]():     "Op LHS RHS VectorMatching ReturnBool unquotedUTF8Names",
		reflect.TypeFor[parser.VectorMatching](): "Card MatchingLabels On Include FillValues",
		reflect.TypeFor[parser.Call]():           "Func Args PosRange",
		reflect.TypeFor[parser.MatrixSelector](): "VectorSelector Range RangeExpr EndPos",
		reflect.TypeFor[parser.SubqueryExpr]():   "Expr Range RangeExpr OriginalOffset OriginalOffsetExpr Offset Timestamp StartOrEnd Step StepExpr EndPos",
		reflect.TypeFor[parser.NumberLiteral]():  "Val Duration PosRange",
		reflect.TypeFor[parser.StringLiteral]():  "Val PosRange",
		reflect.TypeFor[parser.ParenExpr]():      "Expr PosRange",
		reflect.TypeFor[parser.UnaryExpr]():      "Op Expr StartPos",
		reflect.TypeFor[parser.VectorSelector](): "Name OriginalOffset OriginalOffsetExpr Offset Timestamp SkipHistogramBuckets StartOrEnd LabelMatchers UnexpandedSeriesSet Series BypassEmptyMatcherCheck Anchored Smoothed unquotedUTF8Names PosRange",
	}
	for typ, want := range known {
		var got []string
		for f := range typ.Fields() {
			got = append(got, f.Name)
		}
		if g := strings.Join(got, " "); g != want {
			t.Errorf("parser.%s has fields %q, cloneExpr knows %q: check how cloneExpr copies them", typ.Name(), g, want)
		}
	}
}
