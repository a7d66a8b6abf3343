package checks

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// logsLogQLRegex compiles the regular expressions of Loki panel queries.
// Stream selectors are parsed (and their regexes compiled) by
// logs/logql-labels; the line filters and parser stages after them are
// text to every other check, so a broken one reached Grafana, where the
// panel only shows an error. Loki compiles them with Go's regexp syntax
// (RE2): grafana/loki pkg/logql/log/filter.go (parseRegexpFilter:
// syntax.Parse(re, syntax.Perl), as regexp.Compile does) and
// pkg/logql/log/parser.go (NewRegexpParser: at least one named capture
// group).
var logsLogQLRegex = Check{
	Name: "logs/logql-regex",
	Doc: "Every regular expression of a Loki panel query (generated and `extraPanels`) compiles as Loki compiles it (Go's RE2 syntax): " +
		"line filters `|~` and `!~`, label filters `=~` and `!~`, and `| regexp` stages (which also need a named capture group); " +
		"Grafana would show only an error in the panel.",
	Run: func(in *Input) (out diag.List) {
		const check = "logs/logql-regex"
		for _, lq := range lokiQueries(in) {
			for _, e := range logqlRegexes(substituteGrafanaVars(lq.query)) {
				if err := e.compile(); err != nil {
					out.Append(atGenerated(in, lq.panel.sub("expr"), check, lq.detail,
						"panel %q: %s %s does not compile: %v", lq.panel.Title, e.what, e.literal, err))
				}
			}
		}
		return out
	},
}

// lokiQuery is one query of a panel on a Loki datasource.
type lokiQuery struct {
	panel  dashPanel
	query  string
	detail []string
}

// lokiQueries lists the queries of every panel on a Loki datasource.
func lokiQueries(in *Input) []lokiQuery {
	var out []lokiQuery
	pv := in.values()
	var prov []provisionedDS
	if pv.file != nil && pv.err == nil {
		prov = provisionedDatasources(pv.v)
	}
	for _, df := range in.dashboards() {
		if df.err != nil {
			continue
		}
		for _, p := range df.panels {
			for _, t := range p.Targets {
				r := parseDSRef(t.Datasource)
				if !r.set {
					r = parseDSRef(p.Datasource)
				}
				if !isLoki(prov, r) {
					continue
				}
				for _, q := range t.queries() {
					out = append(out, lokiQuery{panel: p, query: q, detail: []string{df.file.Path}})
				}
			}
		}
	}
	return out
}

// logqlRegex is one regular expression of a LogQL query.
type logqlRegex struct {
	what    string // "line filter |~", "regexp stage", ...
	literal string // as written, quoted
	re      string
	named   bool // must have a named capture group (regexp stage)
	// quoteErr: the literal is not a valid LogQL string.
	quoteErr error
}

func (e logqlRegex) compile() error {
	if e.quoteErr != nil {
		return fmt.Errorf(`it is not a valid string (%v): in double quotes a backslash is written \\, as in "\\d+"; or quote the regex with backquotes`, e.quoteErr)
	}
	if _, err := regexp.Compile(e.re); err != nil {
		return cleanRegexpErr(err)
	}
	if e.named {
		re, _ := syntax.Parse(e.re, syntax.Perl)
		if !hasNamedCapture(re) {
			return fmt.Errorf("a regexp stage needs at least one named capture group, (?P<name>...)")
		}
	}
	return nil
}

func hasNamedCapture(re *syntax.Regexp) bool {
	if re.Op == syntax.OpCapture && re.Name != "" {
		return true
	}
	for _, s := range re.Sub {
		if hasNamedCapture(s) {
			return true
		}
	}
	return false
}

func cleanRegexpErr(err error) error {
	if e, ok := err.(*syntax.Error); ok {
		return fmt.Errorf("%s: %s", e.Code, e.Expr)
	}
	return err
}

// logqlRegexes finds the regexes of a LogQL query: a string literal after
// |~, !~ or =~ (line filters, and matchers of stream selectors and label
// filters), or after the keyword regexp. Strings are skipped as a whole,
// so an operator inside one is not taken for one.
func logqlRegexes(q string) []logqlRegex {
	var out []logqlRegex
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '"' || c == '`' {
			i = stringEnd(q, i)
			continue
		}
		var what string
		named := false
		switch {
		case strings.HasPrefix(q[i:], "|~"):
			what = "line filter |~"
		case strings.HasPrefix(q[i:], "!~"):
			what = "filter !~"
		case strings.HasPrefix(q[i:], "=~"):
			what = "matcher =~"
		case strings.HasPrefix(q[i:], "regexp") && wordBoundary(q, i, len("regexp")):
			what, named = "regexp stage", true
		default:
			continue
		}
		j := i + 2
		if named {
			j = i + len("regexp")
		}
		for j < len(q) && (q[j] == ' ' || q[j] == '\t' || q[j] == '\n') {
			j++
		}
		if j >= len(q) || (q[j] != '"' && q[j] != '`') {
			i = j - 1
			continue
		}
		end := stringEnd(q, j)
		if end >= len(q) {
			break // unterminated: logs/logql-labels reports the query
		}
		lit := q[j : end+1]
		re, err := unquoteLogQL(lit)
		out = append(out, logqlRegex{what: what, literal: lit, re: re, named: named, quoteErr: err})
		i = end
	}
	return out
}

// stringEnd is the index of the quote closing the string that starts at i
// (len(q) when it is not closed).
func stringEnd(q string, i int) int {
	quote := q[i]
	for j := i + 1; j < len(q); j++ {
		switch {
		case quote == '"' && q[j] == '\\':
			j++
		case q[j] == quote:
			return j
		}
	}
	return len(q)
}

func wordBoundary(q string, i, n int) bool {
	isWord := func(b byte) bool {
		return b == '_' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9')
	}
	return (i == 0 || !isWord(q[i-1])) && (i+n >= len(q) || !isWord(q[i+n]))
}

// unquoteLogQL reads a LogQL string literal: Go's double-quoted escapes,
// or a raw backquoted string.
func unquoteLogQL(lit string) (string, error) {
	if strings.HasPrefix(lit, "`") {
		return strings.Trim(lit, "`"), nil
	}
	return strconv.Unquote(lit)
}
