package checks

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// grafanaPlaceholder replaces Grafana variables before a query is parsed; a
// matcher on it (a variable used as label name) is not checked.
const grafanaPlaceholder = "__grafana_variable__"

// substituteGrafanaVars replaces every Grafana variable reference.
func substituteGrafanaVars(q string) string {
	return grafanaVarRe.ReplaceAllStringFunc(q, func(m string) string {
		if refs := grafanaVarRefs(m); len(refs) == 0 {
			return m // $1 and the like
		}
		return grafanaPlaceholder
	})
}

// logqlStreamSelectors returns the `{...}` stream selectors of a LogQL
// query: every brace outside string literals (LogQL has braces nowhere
// else; templates in line_format live inside strings).
func logqlStreamSelectors(q string) ([]string, error) {
	var out []string
	depth, start := 0, -1
	for i := 0; i < len(q); i++ {
		switch c := q[i]; c {
		case '"', '`':
			j := i + 1
			for ; j < len(q) && q[j] != c; j++ {
				if c == '"' && q[j] == '\\' {
					j++
				}
			}
			if j >= len(q) {
				return out, errors.New("unterminated string")
			}
			i = j
		case '{':
			if depth == 0 {
				start = i
			}
			depth++
		case '}':
			if depth == 0 {
				return out, errors.New("unbalanced '}'")
			}
			depth--
			if depth == 0 {
				out = append(out, q[start:i+1])
			}
		}
	}
	if depth != 0 {
		return out, errors.New("unbalanced '{'")
	}
	return out, nil
}

// parseLogQLSelector parses a log selector as in a Promtail match stage
// ({...} followed by line filters) and returns its label matchers.
func parseLogQLSelector(sel string) ([]*labels.Matcher, error) {
	sels, err := logqlStreamSelectors(sel)
	if err != nil {
		return nil, err
	}
	if len(sels) != 1 || !strings.HasPrefix(strings.TrimSpace(sel), "{") {
		return nil, errors.New("want one stream selector {...} first")
	}
	ms, err := PromQL.ParseMetricSelector(sels[0])
	if err != nil {
		return nil, err
	}
	rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sel), sels[0]))
	for rest != "" {
		op := ""
		for _, o := range []string{"|=", "!=", "|~", "!~"} {
			if strings.HasPrefix(rest, o) {
				op = o
			}
		}
		if op == "" {
			return ms, fmt.Errorf("unexpected %q after the stream selector", rest)
		}
		rest = strings.TrimSpace(rest[len(op):])
		lit, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return ms, fmt.Errorf("line filter %s: want a string", op)
		}
		rest = strings.TrimSpace(rest[len(lit):])
		s, _ := strconv.Unquote(lit)
		if op[1] == '~' {
			if _, err := regexp.Compile(s); err != nil {
				return ms, fmt.Errorf("line filter %s %s: %v", op, lit, err)
			}
		}
	}
	return ms, nil
}

var logsLogQLLabels = Check{
	Name: "logs/logql-labels",
	Doc: "Every label in the stream selector of a Loki panel query (generated and `extraPanels`) is one the generated collector config attaches " +
		"(namespace, pod, container, workload, stream, `logs.extraLabels`; Loki's own `service_name`): a selector on any other label matches nothing.",
	Run: func(in *Input) (out diag.List) {
		const check = "logs/logql-labels"
		dfs := in.dashboards()
		if len(dfs) == 0 {
			return nil
		}
		pv := in.values()
		var prov []provisionedDS
		if pv.file != nil && pv.err == nil {
			prov = provisionedDatasources(pv.v)
		}
		ci := in.collector()
		if ci.err != nil {
			return nil // the collector's own checks report it
		}
		set := map[string]bool{}
		for _, p := range ci.pipelines {
			ls, dynamic := p.streamLabels()
			if dynamic {
				return nil
			}
			for _, l := range ls {
				set[l] = true
			}
		}
		// Loki derives service_name at ingestion (limits_config.
		// discover_service_name, on unless emptied), and the generated
		// values (loki.ChartValues) have no such field to empty it.
		set["service_name"] = true
		attached := make([]string, 0, len(set))
		for l := range set {
			attached = append(attached, l)
		}
		slices.Sort(attached)
		carry := strings.Join(attached, ", ")
		if ci.file == nil || len(ci.pipelines) == 0 {
			carry = "none: no workload's logs are collected"
		}
		for _, df := range dfs {
			if df.err != nil {
				continue
			}
			detail := []string{df.file.Path}
			if ci.file != nil {
				detail = append(detail, ci.file.Path)
			}
			for _, p := range df.panels {
				if !p.extra && len(ci.pipelines) == 0 {
					// The generated Logs panel of a spec that collects no
					// logs: empty, but not the user's mistake.
					continue
				}
				for _, t := range p.Targets {
					r := parseDSRef(t.Datasource)
					if !r.set {
						r = parseDSRef(p.Datasource)
					}
					if !isLoki(prov, r) {
						continue
					}
					for _, q := range t.queries() {
						sels, err := logqlStreamSelectors(q)
						if err != nil {
							out.Append(atGenerated(in, p.sub("expr"), check, detail, "panel %q: LogQL query %q does not parse: %v", p.Title, q, err))
							continue
						}
						if len(sels) == 0 {
							out.Append(atGenerated(in, p.sub("expr"), check, detail, "panel %q: LogQL query %q has no stream selector {...}", p.Title, q))
						}
						for _, sel := range sels {
							ms, err := PromQL.ParseMetricSelector(substituteGrafanaVars(sel))
							if err != nil {
								out.Append(atGenerated(in, p.sub("expr"), check, detail, "panel %q: stream selector %s does not parse: %v", p.Title, sel, err))
								continue
							}
							for _, m := range ms {
								if m.Name == grafanaPlaceholder || set[m.Name] {
									continue
								}
								out.Append(atGenerated(in, p.sub("expr"), check, detail,
									"panel %q: stream selector %s filters on label %q, which the log collector does not attach (streams carry: %s): the query matches nothing",
									p.Title, sel, m.Name, carry))
							}
						}
					}
				}
			}
		}
		return out
	},
}

// isLoki reports whether a datasource reference means a Loki datasource.
func isLoki(prov []provisionedDS, r dsRef) bool {
	if r.Type == "loki" {
		return true
	}
	if !r.set || r.Type != "" {
		return false
	}
	p, builtin, ok := resolveDS(prov, r)
	return ok && !builtin && p.typ == "loki"
}
