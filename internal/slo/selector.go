package slo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Selector is a series selector: a metric name and label matchers.
type Selector struct {
	Metric   string
	Matchers []*labels.Matcher // never on __name__
}

// String renders the selector in PromQL, matchers in order.
func (s Selector) String() string {
	var b strings.Builder
	b.WriteString(s.Metric)
	if len(s.Matchers) == 0 {
		return b.String()
	}
	b.WriteByte('{')
	for i, m := range s.Matchers {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.Name)
		b.WriteString(m.Type.String())
		b.WriteString(stack.QuoteLabelValue(m.Value))
	}
	b.WriteByte('}')
	return b.String()
}

// With returns the selector with more matchers.
func (s Selector) With(ms ...*labels.Matcher) Selector {
	out := Selector{Metric: s.Metric, Matchers: make([]*labels.Matcher, 0, len(s.Matchers)+len(ms))}
	out.Matchers = append(append(out.Matchers, s.Matchers...), ms...)
	return out
}

// Matches reports whether a series of metric name with labels l is one the
// selector selects.
func (s Selector) Matches(name string, l map[string]string) bool {
	if name != s.Metric {
		return false
	}
	for _, m := range s.Matchers {
		if !m.Matches(l[m.Name]) {
			return false
		}
	}
	return true
}

func eq(name, value string) *labels.Matcher {
	return labels.MustNewMatcher(labels.MatchEqual, name, value)
}

// oneOf matches any of the literal values.
func oneOf(name string, values []string) *labels.Matcher {
	if len(values) == 1 {
		return eq(name, values[0])
	}
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = regexpQuote(v)
	}
	return labels.MustNewMatcher(labels.MatchRegexp, name, strings.Join(q, "|"))
}

// ParseSelector parses a PromQL series selector such as
// `http_requests_total{code=~"5.."}`: a metric name and matchers, without
// offset, @ or a range.
func ParseSelector(p parser.Parser, text string) (Selector, error) {
	e, err := p.ParseExpr(text)
	if err != nil {
		return Selector{}, err
	}
	vs, ok := e.(*parser.VectorSelector)
	if !ok {
		return Selector{}, fmt.Errorf("%q is not a series selector (a metric name and {label matchers}, no function or operator)", text)
	}
	if vs.OriginalOffset != 0 || vs.Timestamp != nil || vs.StartOrEnd != 0 {
		return Selector{}, fmt.Errorf("%q: offset and @ are not allowed: the SLO's windows decide what is read", text)
	}
	out := Selector{Metric: vs.Name}
	for _, m := range vs.LabelMatchers {
		if m.Name == labels.MetricName {
			if m.Type != labels.MatchEqual {
				return Selector{}, fmt.Errorf("%q: the metric name must be given literally", text)
			}
			out.Metric = m.Value
			continue
		}
		out.Matchers = append(out.Matchers, m)
	}
	if out.Metric == "" {
		return Selector{}, fmt.Errorf("%q names no metric", text)
	}
	return out, nil
}

// Sum is counters added up: one selector, or several whose rates are
// summed (Triton's successful and failed requests are two counters).
type Sum []Selector

// String renders the terms joined by " + ".
func (s Sum) String() string {
	parts := make([]string, len(s))
	for i, sel := range s {
		parts[i] = sel.String()
	}
	return strings.Join(parts, " + ")
}

// With returns the sum with more matchers on every term.
func (s Sum) With(ms ...*labels.Matcher) Sum {
	out := make(Sum, len(s))
	for i, sel := range s {
		out[i] = sel.With(ms...)
	}
	return out
}

// Matches reports whether any term selects the series.
func (s Sum) Matches(name string, l map[string]string) bool {
	for _, sel := range s {
		if sel.Matches(name, l) {
			return true
		}
	}
	return false
}

// names are the distinct metric names of the terms, joined by ", ".
func (s Sum) names() string {
	var out []string
	for _, sel := range s {
		if !slices.Contains(out, sel.Metric) {
			out = append(out, sel.Metric)
		}
	}
	return strings.Join(out, ", ")
}
