package sloimport

import (
	"fmt"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/internal/slo"
)

// windowVar is Sloth's window template variable; a query is parsed with a
// duration in its place.
const windowVar = "{{.window}}"

// slothCounter reads a Sloth events query: sum(rate(SELECTOR[{{.window}}]))
// (or increase), without grouping. It returns the selector.
func slothCounter(q string) (string, error) {
	if !strings.Contains(q, windowVar) {
		return "", fmt.Errorf("the query does not use %s: Sloth would read the same window for every alert", windowVar)
	}
	e, err := slo.PromQL.ParseExpr(strings.ReplaceAll(q, windowVar, "5m"))
	if err != nil {
		return "", fmt.Errorf("the query does not parse as PromQL: %v", err)
	}
	const want = "dataopsgen counts a counter's series: write it sum(rate(<series selector>[{{.window}}]))"
	for {
		p, ok := e.(*parser.ParenExpr)
		if !ok {
			break
		}
		e = p.Expr
	}
	agg, ok := e.(*parser.AggregateExpr)
	if !ok || agg.Op != parser.SUM || len(agg.Grouping) > 0 || agg.Without && len(agg.Grouping) > 0 {
		return "", fmt.Errorf("%s is not a sum of a rate without grouping; %s", shorten(q), want)
	}
	call, ok := agg.Expr.(*parser.Call)
	if !ok || (call.Func.Name != "rate" && call.Func.Name != "increase") || len(call.Args) != 1 {
		return "", fmt.Errorf("%s does not sum a rate() or increase(); %s", shorten(q), want)
	}
	ms, ok := call.Args[0].(*parser.MatrixSelector)
	if !ok {
		return "", fmt.Errorf("%s: the rate reads a subquery; %s", shorten(q), want)
	}
	vs, ok := ms.VectorSelector.(*parser.VectorSelector)
	if !ok || vs.OriginalOffset != 0 || vs.Timestamp != nil || vs.StartOrEnd != 0 {
		return "", fmt.Errorf("%s: offset and @ cannot be converted; %s", shorten(q), want)
	}
	return selectorText(vs)
}

// openSLOCounter reads an OpenSLO Prometheus query of a counter: a series
// selector, or sum() of one without grouping.
func openSLOCounter(q string) (string, error) {
	e, err := slo.PromQL.ParseExpr(q)
	if err != nil {
		return "", fmt.Errorf("the query does not parse as PromQL: %v", err)
	}
	if agg, ok := e.(*parser.AggregateExpr); ok && agg.Op == parser.SUM && len(agg.Grouping) == 0 && !agg.Without {
		e = agg.Expr
	}
	vs, ok := e.(*parser.VectorSelector)
	if !ok || vs.OriginalOffset != 0 || vs.Timestamp != nil || vs.StartOrEnd != 0 {
		return "", fmt.Errorf("%s is not a counter's series selector (or sum() of one): dataopsgen rates a counter's series over each window itself", shorten(q))
	}
	return selectorText(vs)
}

// selectorText renders a vector selector as dataopsgen's SLIs take it.
func selectorText(vs *parser.VectorSelector) (string, error) {
	s, err := slo.ParseSelector(slo.PromQL, vs.String())
	if err != nil {
		return "", err
	}
	return s.String(), nil
}

func shorten(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 80 {
		q = q[:77] + "..."
	}
	return fmt.Sprintf("%q", q)
}
