package promunit

import (
	"sync"

	"github.com/prometheus/prometheus/promql/parser"
)

// memo remembers a pure function of a string. The test groups of a file
// repeat the same input lines (a healthy series, a decoy) and load the same
// rule expressions; they share one memo of each. Safe for concurrent use
// (two groups may both compute a missing key: same result).
type memo[V any] struct {
	mu sync.Mutex
	m  map[string]V
	f  func(string) V
}

func newMemo[V any](f func(string) V) *memo[V] {
	return &memo[V]{m: map[string]V{}, f: f}
}

func (c *memo[V]) get(k string) V {
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if !ok {
		v = c.f(k)
		c.mu.Lock()
		c.m[k] = v
		c.mu.Unlock()
	}
	return v
}

// parsedExpr is a rule expression parsed. Sharing it between the rule
// managers of a file is safe: the rules package only reads it (String,
// and Inspect when it analyses dependencies), as does the step cache; the
// engine parses the query string again for itself. It is a textExpr
// (exprtext.go) unless those are off.
type parsedExpr struct {
	expr parser.Expr
	err  error
}

// newExprs parses rule expressions, as textExprs if exprText.
func newExprs(exprText bool) *memo[parsedExpr] {
	return newMemo(func(q string) parsedExpr {
		expr, err := PromQL.ParseExpr(q)
		if err != nil || !exprText {
			return parsedExpr{expr, err}
		}
		return parsedExpr{withText(expr), nil}
	})
}
