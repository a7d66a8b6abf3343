package catalog

import (
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Infer returns the labels the series of expression e can carry, following
// PromQL's rules: a selector has its metric's labels (those of the sources
// its matchers can select); aggregations keep their `by` labels or drop
// their `without` ones; absent() has the equality matchers of its
// selector; label_replace/label_join add their destination;
// histogram_quantile drops le; one-to-one binary operations keep the left
// side's labels (only the `on` ones, or all but the `ignoring` ones),
// group_left/group_right keep the "many" side's plus the included ones,
// and/unless keep the left side's, or either side's.
//
// The metric name is never part of the result. A selector of an unknown
// metric, or without a name, gives an open set (the provenance checks
// report the metric itself).
func (c *Catalog) Infer(e parser.Expr) Labels {
	return inferer{c: c}.infer(e)
}

// InferEach is Infer, calling f with each sub-expression whose labels the
// inference computed (children before their parent).
func (c *Catalog) InferEach(e parser.Expr, f func(parser.Expr, Labels)) Labels {
	return inferer{c: c, f: f}.infer(e)
}

type inferer struct {
	c *Catalog
	f func(parser.Expr, Labels)
}

func (i inferer) infer(e parser.Expr) Labels {
	l := i.inferNode(e)
	if i.f != nil && e != nil {
		i.f(e, l)
	}
	return l
}

func (i inferer) inferNode(e parser.Expr) Labels {
	c := i.c
	switch n := e.(type) {
	case nil:
		return Labels{}
	case *parser.VectorSelector:
		return c.selectorLabels(n)
	case *parser.MatrixSelector:
		return i.infer(n.VectorSelector)
	case *parser.SubqueryExpr:
		return i.infer(n.Expr)
	case *parser.ParenExpr:
		return i.infer(n.Expr)
	case *parser.UnaryExpr:
		return i.infer(n.Expr)
	case *parser.StepInvariantExpr:
		return i.infer(n.Expr)
	case *parser.NumberLiteral, *parser.StringLiteral, *parser.DurationExpr:
		return Labels{}
	case *parser.AggregateExpr:
		return i.inferAggregate(n)
	case *parser.Call:
		return i.inferCall(n)
	case *parser.BinaryExpr:
		return i.inferBinary(n)
	}
	return OpenSet()
}

func (c *Catalog) selectorLabels(vs *parser.VectorSelector) Labels {
	names := SelectorNames(vs)
	if len(names) == 0 {
		return OpenSet()
	}
	var out Labels
	for i, name := range names {
		if c.pending != nil {
			c.resolve(name)
		}
		m := c.Metric(name)
		if m == nil {
			return OpenSet()
		}
		l := c.Select(m, vs.LabelMatchers).Labels
		if i == 0 {
			out = l
		} else {
			out = out.Union(l)
		}
	}
	return out
}

// SelectorNames are the metric names a selector reads: SelectorName's, or
// the names of a __name__ regex that is an alternation of literal names
// (`{__name__=~"a_total|b_total"}`, as several counters are summed); nil
// when they are not known.
func SelectorNames(vs *parser.VectorSelector) []string {
	if name := SelectorName(vs); name != "" {
		return []string{name}
	}
	for _, m := range vs.LabelMatchers {
		if m.Name != labels.MetricName || m.Type != labels.MatchRegexp {
			continue
		}
		names := strings.Split(m.Value, "|")
		for _, n := range names {
			if !model.LabelName(strings.ReplaceAll(n, ":", "_")).IsValidLegacy() {
				return nil // not a literal name: a pattern
			}
		}
		return names
	}
	return nil
}

// SelectorName is the metric name a selector reads: its name, or the value
// of an equality matcher on __name__.
func SelectorName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return ""
}

func (i inferer) inferAggregate(n *parser.AggregateExpr) Labels {
	in := i.infer(n.Expr)
	switch n.Op {
	case parser.TOPK, parser.BOTTOMK, parser.LIMITK, parser.LIMIT_RATIO:
		// These select series; they keep their labels.
		return in
	}
	var out Labels
	if n.Without {
		out = in.Without(n.Grouping...)
	} else {
		out = in.Only(n.Grouping...)
	}
	if n.Op == parser.COUNT_VALUES {
		if s, ok := unwrap(n.Param).(*parser.StringLiteral); ok {
			out = out.With(s.Val)
		} else {
			out.Open = true
		}
	}
	return out
}

func unwrap(e parser.Expr) parser.Expr {
	for {
		switch p := e.(type) {
		case *parser.ParenExpr:
			e = p.Expr
		case *parser.StepInvariantExpr:
			e = p.Expr
		default:
			return e
		}
	}
}

func (i inferer) inferCall(n *parser.Call) Labels {
	switch n.Func.Name {
	case "absent", "absent_over_time":
		// One series whose labels are the selector's equality matchers.
		var vs *parser.VectorSelector
		switch a := unwrap(n.Args[0]).(type) {
		case *parser.VectorSelector:
			vs = a
		case *parser.MatrixSelector:
			vs, _ = a.VectorSelector.(*parser.VectorSelector)
		}
		out := Labels{Names: map[string]struct{}{}}
		if vs != nil {
			for _, m := range vs.LabelMatchers {
				if m.Type == labels.MatchEqual && m.Name != labels.MetricName && m.Value != "" {
					out.Names[m.Name] = struct{}{}
				}
			}
		}
		return out
	case "vector", "scalar", "time", "pi", "year", "month", "day_of_month", "day_of_week", "day_of_year",
		"days_in_month", "hour", "minute", "start", "end", "range", "step":
		if len(n.Args) == 0 || n.Func.ReturnType == parser.ValueTypeScalar || n.Func.Name == "vector" {
			return Labels{}
		}
	case "label_replace", "label_join":
		in := i.infer(n.Args[0])
		if s, ok := unwrap(n.Args[1]).(*parser.StringLiteral); ok {
			return in.With(s.Val)
		}
		in.Open = true
		return in
	case "histogram_quantile", "histogram_fraction":
		return i.infer(n.Args[len(n.Args)-1]).Without("le")
	case "info", "histogram_quantiles":
		return i.infer(n.Args[0]).Union(OpenSet())
	}
	if n.Func.ReturnType == parser.ValueTypeScalar {
		return Labels{}
	}
	// Any other function keeps the labels of its series argument.
	for j, a := range n.Args {
		t := parser.ValueTypeNone
		if j < len(n.Func.ArgTypes) {
			t = n.Func.ArgTypes[j]
		} else if len(n.Func.ArgTypes) > 0 {
			t = n.Func.ArgTypes[len(n.Func.ArgTypes)-1]
		}
		if t == parser.ValueTypeVector || t == parser.ValueTypeMatrix {
			return i.infer(a)
		}
	}
	return Labels{}
}

func (i inferer) inferBinary(n *parser.BinaryExpr) Labels {
	lt, rt := n.LHS.Type(), n.RHS.Type()
	switch {
	case lt == parser.ValueTypeScalar && rt == parser.ValueTypeScalar:
		return Labels{}
	case rt == parser.ValueTypeScalar:
		return i.infer(n.LHS)
	case lt == parser.ValueTypeScalar:
		return i.infer(n.RHS)
	}
	lhs, rhs := i.infer(n.LHS), i.infer(n.RHS)
	vm := n.VectorMatching
	if vm == nil {
		vm = &parser.VectorMatching{Card: parser.CardOneToOne}
	}
	switch n.Op {
	case parser.LAND, parser.LUNLESS:
		return lhs
	case parser.LOR:
		return lhs.Union(rhs)
	}
	switch vm.Card {
	case parser.CardManyToOne:
		return include(lhs, rhs, vm.Include)
	case parser.CardOneToMany:
		return include(rhs, lhs, vm.Include)
	}
	if vm.On {
		return lhs.Only(vm.MatchingLabels...)
	}
	return lhs.Without(vm.MatchingLabels...)
}

// include is the result of group_left/right: the many side's labels, the
// included ones replaced by the one side's (absent there: removed).
func include(many, one Labels, names []string) Labels {
	out := many.Without(names...)
	for _, n := range names {
		if one.Has(n) {
			out = out.With(n)
		}
	}
	return out
}
