package promunit

import (
	"slices"
	"sync"

	"github.com/prometheus/prometheus/promql/parser"
)

// cachingParser is the engines' parser: the engine parses the text of
// every query it is given (each rule's range query in every test group of
// a file, the live instant queries), the same few expressions over and
// over. It parses each text once and hands out deep copies: the engine
// modifies the AST it gets (PreprocessExpr wraps nodes, sets @ times,
// rewrites call arguments; evaluation stores series in the selectors), so
// no two queries may share one. An expression it cannot copy (see
// cloneExpr) or that does not parse is parsed again each time.
type cachingParser struct {
	parser.Parser
	off bool // parse every time (Options.ParseCache false)
	mu  sync.Mutex
	m   map[string]parser.Expr // never handed out
}

// maxParsed bounds what the cache holds, cleared when full: the repeats
// are those of the test groups of a file, which run together (a few files
// at a time), so a small cache catches them and keeps little memory.
const maxParsed = 512

func (p *cachingParser) ParseExpr(q string) (parser.Expr, error) {
	if p.off {
		return p.Parser.ParseExpr(q)
	}
	p.mu.Lock()
	e, ok := p.m[q]
	p.mu.Unlock()
	if !ok {
		var err error
		if e, err = p.Parser.ParseExpr(q); err != nil {
			return e, err
		}
		p.mu.Lock()
		if len(p.m) >= maxParsed {
			clear(p.m)
		}
		p.m[q] = e
		p.mu.Unlock()
	}
	if c, ok := cloneExpr(e); ok {
		return c, nil
	}
	return p.Parser.ParseExpr(q)
}

// cloneExpr returns a copy of e sharing nothing the engine modifies: every
// node, slice and pointer is new, except the label matchers and function
// definitions (read only). false for what it does not know (a node type
// of a newer parser, duration expressions): a new parse is then needed.
func cloneExpr(e parser.Expr) (parser.Expr, bool) {
	ok := true
	var c func(parser.Expr) parser.Expr
	c = func(e parser.Expr) parser.Expr {
		if e == nil || !ok {
			return nil
		}
		switch n := e.(type) {
		case *parser.AggregateExpr:
			x := *n
			x.Expr, x.Param, x.Grouping = c(n.Expr), c(n.Param), slices.Clone(n.Grouping)
			return &x
		case *parser.BinaryExpr:
			x := *n
			x.LHS, x.RHS = c(n.LHS), c(n.RHS)
			if n.VectorMatching != nil {
				vm := *n.VectorMatching
				vm.MatchingLabels, vm.Include = slices.Clone(vm.MatchingLabels), slices.Clone(vm.Include)
				vm.FillValues.LHS, vm.FillValues.RHS = clonePtr(vm.FillValues.LHS), clonePtr(vm.FillValues.RHS)
				x.VectorMatching = &vm
			}
			return &x
		case *parser.Call:
			x := *n
			if n.Args != nil {
				x.Args = make(parser.Expressions, len(n.Args))
				for i, a := range n.Args {
					x.Args[i] = c(a)
				}
			}
			return &x
		case *parser.MatrixSelector:
			if n.RangeExpr != nil {
				ok = false
				return nil
			}
			x := *n
			x.VectorSelector = c(n.VectorSelector)
			return &x
		case *parser.SubqueryExpr:
			if n.RangeExpr != nil || n.OriginalOffsetExpr != nil || n.StepExpr != nil {
				ok = false
				return nil
			}
			x := *n
			x.Expr, x.Timestamp = c(n.Expr), clonePtr(n.Timestamp)
			return &x
		case *parser.NumberLiteral:
			x := *n
			return &x
		case *parser.StringLiteral:
			x := *n
			return &x
		case *parser.ParenExpr:
			x := *n
			x.Expr = c(n.Expr)
			return &x
		case *parser.UnaryExpr:
			x := *n
			x.Expr = c(n.Expr)
			return &x
		case *parser.VectorSelector:
			if n.OriginalOffsetExpr != nil || n.UnexpandedSeriesSet != nil || n.Series != nil {
				ok = false
				return nil
			}
			x := *n
			x.Timestamp, x.LabelMatchers = clonePtr(n.Timestamp), slices.Clone(n.LabelMatchers)
			return &x
		}
		ok = false // StepInvariantExpr (not from the parser), DurationExpr, newer types
		return nil
	}
	out := c(e)
	return out, ok && out != nil
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
