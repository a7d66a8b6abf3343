package checks

import (
	"fmt"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// promQuery is one PromQL expression the generated stack evaluates: a
// rule's, a dashboard panel's or a dashboard variable's.
type promQuery struct {
	// what names it in messages: `alert HighLatency`, `panel "Latency"`.
	what   string
	source string
	file   string
	text   string
	expr   parser.Expr
	// err is a parse error of a dashboard query (rules/parse reports the
	// rules').
	err error
	// grafana: a dashboard query, whose variables were substituted.
	grafana bool
	// label is the label a label_values(expr, label) variable lists.
	label string
}

// parseQueries returns the rules' and the dashboards' PromQL, parsed.
func parseQueries(in *Input) []*promQuery {
	var out []*promQuery
	for _, r := range in.rules() {
		if r.Expr != nil {
			out = append(out, &promQuery{what: r.What(), source: r.Source, file: r.File, text: r.Rule.Expr.String(), expr: r.Expr})
		}
	}
	var dash []*promQuery
	for _, df := range in.dashboards() {
		if df.err != nil {
			continue
		}
		for _, p := range df.panels {
			for _, t := range p.Targets {
				if !isPrometheus(t.Datasource, p.Datasource) || strings.TrimSpace(t.Expr) == "" {
					continue
				}
				dash = append(dash, &promQuery{what: fmt.Sprintf("panel %q", p.Title), source: p.source, file: df.file.Path, text: t.Expr, grafana: true})
			}
		}
		for _, v := range df.d.Templating.List {
			if v.Type != "query" || !isPrometheus(v.Datasource, nil) {
				continue
			}
			q := &promQuery{what: fmt.Sprintf("variable %q", v.Name), source: df.file.Source, file: df.file.Path, grafana: true}
			if !variableQuery(v.query(), q) {
				continue
			}
			dash = append(dash, q)
		}
	}
	parallel(len(dash), func(i int) {
		q := dash[i]
		q.expr, q.err = parseGrafana(q.text)
	})
	return append(out, dash...)
}

// isPrometheus reports whether a target (or, without its own datasource,
// its panel) queries Prometheus: Grafana's default datasource is the
// chart's Prometheus.
func isPrometheus(target, panel *common.DataSourceRef) bool {
	ds := parseDSRef(target)
	if !ds.set {
		ds = parseDSRef(panel)
	}
	if !ds.set {
		return true
	}
	if ds.Type != "" {
		return ds.Type == "prometheus"
	}
	return ds.UID == stack.PrometheusDatasourceUID || strings.EqualFold(ds.UID, "prometheus")
}

// variableQuery fills q from a Prometheus variable query:
// label_values(expr, label) and query_result(expr) hold PromQL; the other
// forms (label_names(), metrics(...), label_values(label)) do not.
func variableQuery(s string, q *promQuery) bool {
	s = strings.TrimSpace(s)
	if inner, ok := call(s, "query_result"); ok {
		q.text = inner
		return true
	}
	inner, ok := call(s, "label_values")
	if !ok {
		return false
	}
	i := topLevelComma(inner)
	if i < 0 {
		return false
	}
	q.text = strings.TrimSpace(inner[:i])
	q.label = strings.TrimSpace(inner[i+1:])
	return q.text != ""
}

func call(s, fn string) (string, bool) {
	rest, ok := strings.CutPrefix(s, fn)
	if !ok {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
		return "", false
	}
	return rest[1 : len(rest)-1], true
}

// topLevelComma is the index of the last comma outside brackets and
// quotes, or -1.
func topLevelComma(s string) int {
	depth, last := 0, -1
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(' || c == '{' || c == '[':
			depth++
		case c == ')' || c == '}' || c == ']':
			depth--
		case c == ',' && depth == 0:
			last = i
		}
	}
	return last
}

// grafanaValue (followed by "_" and the variable's name) stands for a
// variable's value inside a string, where a matcher whose value contains it
// matches some unknown, non-empty value, and for a label name.
const grafanaValue = "dataopsgen_grafana_var"

// parseGrafana parses a dashboard query after substituting Grafana's
// variables: a duration for $__rate_interval, $__interval, $__range and any
// variable inside [...]; a plain value inside a string; a label name in
// `by (...)`, `on (...)` and the like; elsewhere a number (`topk($n, ...)`),
// or failing that a name.
//
// A matcher on a variable's value (`pod=~"$pod"`) becomes `pod=~".+"`: it
// matches some unknown, non-empty value; a negative one is dropped.
func parseGrafana(q string) (parser.Expr, error) {
	e, err := PromQL.ParseExpr(substituteVars(q, "1"))
	if err != nil {
		if e2, err2 := PromQL.ParseExpr(substituteVars(q, grafanaValue+"_")); err2 == nil {
			e, err = e2, nil
		}
	}
	if err == nil {
		parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
			if vs, ok := n.(*parser.VectorSelector); ok {
				vs.LabelMatchers = grafanaMatchers(vs.LabelMatchers)
			}
			return nil
		})
	}
	return e, err
}

func substituteVars(q, bare string) string {
	matches := grafanaVarRe.FindAllStringSubmatchIndex(q, -1)
	if len(matches) == 0 {
		return q
	}
	var b strings.Builder
	var quote byte
	bracket, pos, last := 0, 0, 0
	// parens: for each open '(', whether it holds label names.
	var parens []bool
	for _, m := range matches {
		for ; pos < m[0]; pos++ {
			c := q[pos]
			switch {
			case quote != 0:
				if c == '\\' && quote != '`' {
					pos++
				} else if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'' || c == '`':
				quote = c
			case c == '[':
				bracket++
			case c == ']':
				bracket = max(0, bracket-1)
			case c == '(':
				parens = append(parens, opensLabelList(q[:pos]))
			case c == ')' && len(parens) > 0:
				parens = parens[:len(parens)-1]
			}
		}
		if pos > m[0] {
			continue // inside an escape
		}
		name := ""
		for _, g := range []int{2, 4, 8} {
			if m[g] >= 0 {
				name = q[m[g]:m[g+1]]
			}
		}
		if name == "" || (name[0] >= '0' && name[0] <= '9') {
			continue
		}
		b.WriteString(q[last:m[0]])
		switch {
		case strings.HasSuffix(name, "_ms") && strings.HasPrefix(name, "__"):
			b.WriteString("60000")
		case strings.HasSuffix(name, "_s") && strings.HasPrefix(name, "__"):
			b.WriteString("60")
		case name == "__from" || name == "__to":
			b.WriteString("1700000000000")
		case quote != 0:
			b.WriteString(grafanaValue + "_" + name)
		case bracket > 0 || strings.HasPrefix(name, "__"):
			b.WriteString("5m")
		case len(parens) > 0 && parens[len(parens)-1],
			m[0] > 0 && isNameChar(q[m[0]-1]), m[1] < len(q) && isNameChar(q[m[1]]):
			// A label name, or part of a metric name (foo_$suffix).
			b.WriteString(grafanaValue + "_" + name)
		default:
			b.WriteString(bare)
		}
		last, pos = m[1], m[1]
	}
	b.WriteString(q[last:])
	return b.String()
}

// grafanaMatchers rewrites the matchers on a variable's value.
func grafanaMatchers(ms []*labels.Matcher) []*labels.Matcher {
	out := ms[:0:0]
	for _, m := range ms {
		if m.Name == labels.MetricName || !strings.Contains(m.Value, grafanaValue) {
			out = append(out, m)
			continue
		}
		switch m.Type {
		case labels.MatchEqual, labels.MatchRegexp:
			out = append(out, nonEmpty(m.Name))
		}
	}
	return out
}

// anyValue is name=~".+" for an empty name: compiled once (compiling a
// regex matcher is costly), its copies given their names by nonEmpty.
var anyValue = labels.MustNewMatcher(labels.MatchRegexp, "", ".+")

// nonEmpty is name=~".+". A Matcher's regex does not depend on its name
// (prometheus model/labels/matcher.go: Type, Name, Value and the compiled
// value; Matches reads only Type, Value and the regex), so a copy of
// anyValue renamed is that matcher.
func nonEmpty(name string) *labels.Matcher {
	m := *anyValue
	m.Name = name
	return &m
}

// opensLabelList reports whether a '(' after before opens a list of label
// names: by, without, on, ignoring, group_left, group_right.
func opensLabelList(before string) bool {
	before = strings.TrimRight(before, " \t\n")
	for _, kw := range []string{"by", "without", "on", "ignoring", "group_left", "group_right"} {
		if rest, ok := strings.CutSuffix(before, kw); ok {
			if rest == "" {
				return true
			}
			return !isNameChar(rest[len(rest)-1])
		}
	}
	return false
}

func isNameChar(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// catalogQueries are the parsed queries provenance/metric and
// provenance/label hold against the catalog: all but the SLOs' SLIs, which
// slo/provenance checks once each, at their fields.
func catalogQueries(in *Input) []*promQuery {
	var out []*promQuery
	for _, q := range in.queries() {
		if q.expr != nil && !sloQuery(q) {
			out = append(out, q)
		}
	}
	return out
}
