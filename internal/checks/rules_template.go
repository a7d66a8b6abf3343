package checks

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"text/template/parse"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/template"

	"github.com/dataopsgen/dataopsgen/internal/checks/catalog"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// templateDefs are the variables Prometheus defines before an alert's
// label and annotation templates (rules/alerting.go).
const templateDefs = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

// alertTemplate is one label or annotation value of an alert.
type alertTemplate struct {
	rule *ruleRef
	// field is `annotation summary` or `label severity`.
	field string
	text  string
	// simple: every action only prints a label or the value, possibly
	// through a function that cannot fail; such a template is not parsed
	// with text/template (which is slow) and cannot fail to expand.
	simple bool
	// tree is the parsed template (defs included) of a template that is
	// not simple; nil when it does not parse (rules/parse reports that).
	tree *parse.Tree
	// texts are the literal parts; refs the labels read.
	texts []string
	refs  []labelRef
}

// parseAlertTemplates returns the templates of every alert, parsed.
func parseAlertTemplates(in *Input) []*alertTemplate {
	var out []*alertTemplate
	for _, r := range in.rules() {
		if r.Rule.Alert == "" {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(r.Rule.Labels)) {
			out = append(out, newAlertTemplate(r, "label "+k, r.Rule.Labels[k]))
		}
		for _, k := range slices.Sorted(maps.Keys(r.Rule.Annotations)) {
			out = append(out, newAlertTemplate(r, "annotation "+k, r.Rule.Annotations[k]))
		}
	}
	return out
}

// source is the spec path the template comes from: the workload's
// runbookURL for a generated alert's runbook_url, else the rule's.
func (t *alertTemplate) source() string {
	if t.field == "annotation runbook_url" && !t.rule.Extra && t.rule.GroupSource != "" {
		return t.rule.GroupSource + ".runbookURL"
	}
	return t.rule.Source
}

func newAlertTemplate(r *ruleRef, field, text string) *alertTemplate {
	t := &alertTemplate{rule: r, field: field, text: text}
	if t.scanSimple() {
		return t
	}
	t.texts, t.refs = nil, nil
	tr := parse.New("__alert_" + r.Rule.Alert)
	tr.Mode = parse.SkipFuncCheck
	if _, err := tr.Parse(templateDefs+text, "{{", "}}", map[string]*parse.Tree{}); err == nil {
		t.tree = tr
		walkText(tr.Root, func(s string) { t.texts = append(t.texts, s) })
		t.refs = labelRefs(tr)
	}
	return t
}

// simpleAction is an action that only prints a label, the value or the
// external URL, possibly through functions that cannot fail on them.
var simpleAction = regexp.MustCompile(`^(?:-\s)?\s*(?:` +
	`(?:\$value|\.Value)(?:\s*\|\s*(?:humanize|humanize1024|humanizeDuration|humanizePercentage|humanizeTimestamp|printf\s+"[^"\\]*"))?` +
	`|(?:\$labels\.\w+|\.Labels\.\w+|\$externalURL|\$externalLabels\.\w+)(?:\s*\|\s*(?:toUpper|toLower|title))?` +
	`)\s*(?:\s-)?$`)

var simpleLabelRef = regexp.MustCompile(`^(?:-\s)?\s*(\$labels|\.Labels)\.(\w+)`)

// scanSimple splits a template of simple actions into its literal texts
// and label reads; false when some action is not simple.
func (t *alertTemplate) scanSimple() bool {
	rest := t.text
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			t.texts = append(t.texts, rest)
			break
		}
		t.texts = append(t.texts, rest[:i])
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return false
		}
		action := rest[i+2 : i+j]
		if !simpleAction.MatchString(action) {
			return false
		}
		if m := simpleLabelRef.FindStringSubmatch(action); m != nil {
			t.refs = append(t.refs, labelRef{m[2], m[1] + "." + m[2]})
		}
		rest = rest[i+j+2:]
	}
	t.simple = true
	return true
}

// literalVar finds $labels, $value, $externalLabels or $externalURL in
// template text, with what follows ({pod}, .pod).
var literalVar = regexp.MustCompile(`\$(labels|value|externalLabels|externalURL)\b(\{[A-Za-z_][A-Za-z0-9_]*\}|\.[A-Za-z_][A-Za-z0-9_]*|\[["']?[A-Za-z_][A-Za-z0-9_]*["']?\])?`)

var rulesTemplate = Check{
	Name: "rules/template",
	Doc: "Every label and annotation template of every alert expands with Prometheus's template engine against a synthetic alert " +
		"(the labels its expression can return, value 1.5), catching runtime errors; `$labels`/`$value` written outside `{{ }}` " +
		"(the seed's `$labels{pod}`, printed as is) is an error.",
	Run: func(in *Input) diag.List {
		var out diag.List
		cat := in.metricCatalog()
		for _, t := range in.alertTemplates() {
			if !t.simple && t.tree == nil {
				continue // a parse error rules/parse reports
			}
			for _, text := range t.texts {
				out.Append(literalVars(in, t, text)...)
			}
			if t.simple || safeTemplate(t.tree) {
				continue // only label and value reads: cannot fail
			}
			if err := expand(t, cat); err != nil {
				out.Append(at(in, t.source(), "rules/template", t.rule.File, "%s: %s does not expand: %s",
					t.rule.What(), t.field, cleanTemplateErr(err)))
			}
		}
		return out
	},
}

func literalVars(in *Input, t *alertTemplate, text string) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, m := range literalVar.FindAllStringSubmatch(text, -1) {
		fix := "{{ $" + m[1] + " }}"
		if m[2] != "" {
			key := strings.Trim(m[2], "{}[].\"'")
			fix = "{{ $" + m[1] + "." + key + " }}"
		}
		out = append(out, at(in, t.source(), "rules/template", t.rule.File,
			"%s: %s: %q is outside {{ }}, so Prometheus prints it as is; write %s", t.rule.What(), t.field, m[0], fix))
	}
	return out
}

// walkText calls f with the text between actions.
func walkText(n parse.Node, f func(string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkText(c, f)
		}
	case *parse.TextNode:
		f(string(n.Text))
	case *parse.IfNode:
		walkText(n.List, f)
		walkText(n.ElseList, f)
	case *parse.RangeNode:
		walkText(n.List, f)
		walkText(n.ElseList, f)
	case *parse.WithNode:
		walkText(n.List, f)
		walkText(n.ElseList, f)
	}
}

// numericFuncs format $value (a float) and cannot fail on it; stringFuncs
// cannot fail on a string (a label value, or a formatted value).
var (
	numericFuncs = map[string]bool{"humanize": true, "humanize1024": true, "humanizeDuration": true,
		"humanizePercentage": true, "humanizeTimestamp": true}
	stringFuncs = map[string]bool{"toUpper": true, "toLower": true, "title": true, "stripPort": true, "stripDomain": true}
)

// safeTemplate reports whether every action of a parsed template only
// prints a label, the value or a constant, through functions that cannot
// fail on them: expanding it cannot fail, and the expansion is skipped.
func safeTemplate(t *parse.Tree) bool {
	for i, n := range t.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
		case *parse.ActionNode:
			if i < 4 && len(n.Pipe.Decl) > 0 {
				continue // the variable definitions
			}
			if len(n.Pipe.Decl) > 0 || !safePipe(n.Pipe) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func safePipe(p *parse.PipeNode) bool {
	numeric := false
	for j, c := range p.Cmds {
		if len(c.Args) == 0 {
			return false
		}
		switch a := c.Args[0].(type) {
		case *parse.VariableNode:
			if j > 0 || len(c.Args) > 1 {
				return false
			}
			switch {
			case len(a.Ident) == 1 && a.Ident[0] == "$value":
				numeric = true
			case len(a.Ident) == 2 && (a.Ident[0] == "$labels" || a.Ident[0] == "$externalLabels"):
			case len(a.Ident) == 1 && a.Ident[0] == "$externalURL":
			default:
				return false
			}
		case *parse.FieldNode:
			if j > 0 || len(c.Args) > 1 {
				return false
			}
			switch {
			case len(a.Ident) == 1 && a.Ident[0] == "Value":
				numeric = true
			case len(a.Ident) == 2 && a.Ident[0] == "Labels":
			default:
				return false
			}
		case *parse.StringNode:
			if j > 0 || len(c.Args) > 1 {
				return false
			}
		case *parse.IdentifierNode:
			switch {
			case a.Ident == "printf":
				if len(c.Args) < 2 {
					return false
				}
				if _, ok := c.Args[1].(*parse.StringNode); !ok {
					return false
				}
				for _, arg := range c.Args[2:] {
					if v, ok := arg.(*parse.VariableNode); !ok || len(v.Ident) > 2 {
						return false
					}
				}
			case j == 0 || len(c.Args) > 1:
				return false
			case numericFuncs[a.Ident]:
				if !numeric {
					return false
				}
			case stringFuncs[a.Ident]:
				if numeric {
					return false
				}
			default:
				return false
			}
			numeric = false
		default:
			return false
		}
	}
	return true
}

// expand runs the template as Prometheus does when the alert fires, on a
// synthetic sample.
func expand(t *alertTemplate, cat *catalog.Catalog) error {
	data := template.AlertTemplateData(syntheticLabels(t.rule, cat), map[string]string{}, syntheticURL.String(), promql.Sample{F: 1.5})
	e := template.NewTemplateExpander(context.Background(), templateDefs+t.text, "__alert_"+t.rule.Rule.Alert, data,
		model.Time(0), syntheticQuery, syntheticURL, nil)
	_, err := e.Expand()
	return err
}

var syntheticURL = &url.URL{Scheme: "http", Host: "prometheus.example:9090"}

// syntheticQuery answers a template's `query` with one sample.
func syntheticQuery(context.Context, string, time.Time) (promql.Vector, error) {
	return promql.Vector{{F: 1.5, Metric: labels.FromStrings("instance", "10.0.0.1:8080", "job", "example")}}, nil
}

// syntheticLabels are plausible labels of a firing alert: those its
// expression can return, valued from the expression's equality matchers
// or from the label's usual content.
func syntheticLabels(r *ruleRef, cat *catalog.Catalog) map[string]string {
	out := map[string]string{}
	l := catalog.Labels{}
	values := map[string]string{}
	if r.Expr != nil {
		l = cat.Infer(r.Expr)
		parser.Inspect(r.Expr, func(n parser.Node, _ []parser.Node) error {
			if vs, ok := n.(*parser.VectorSelector); ok {
				for _, m := range vs.LabelMatchers {
					if m.Type == labels.MatchEqual && m.Value != "" && m.Name != labels.MetricName {
						values[m.Name] = m.Value
					}
				}
			}
			return nil
		})
	}
	for n := range l.Names {
		out[n] = plausible(n, values)
	}
	// Labels the templates read but the series lack are rules/template-labels'
	// business: valued here, so that each problem is reported once.
	for _, n := range templateLabelRefs(r) {
		out[n] = plausible(n, values)
	}
	return out
}

func plausible(name string, values map[string]string) string {
	if v, ok := values[name]; ok {
		return v
	}
	switch name {
	case "le":
		return "0.5"
	case "quantile":
		return "0.99"
	case "code", "status_code", "http_status":
		return "500"
	case "instance":
		return "10.0.0.1:8080"
	case "gpu", "cpu", "minor", "major":
		return "0"
	case "namespace":
		return "default"
	}
	return "example-" + strings.ReplaceAll(name, "_", "-")
}

// templateLabelRefs are the label names the rule's templates read.
func templateLabelRefs(r *ruleRef) []string {
	var out []string
	for _, text := range slices.Concat(slices.Collect(maps.Values(r.Rule.Labels)), slices.Collect(maps.Values(r.Rule.Annotations))) {
		for _, ref := range newAlertTemplate(r, "", text).refs {
			out = append(out, ref.name)
		}
	}
	return out
}

// cleanTemplateErr drops the template name and the offset the variable
// definitions add: `executing "__alert_X" at <...>: ...` becomes `at <...>: ...`.
func cleanTemplateErr(err error) string {
	s := err.Error()
	if i := strings.Index(s, "executing \"__alert_"); i >= 0 {
		rest := s[i+len("executing \"__alert_"):]
		if j := strings.Index(rest, "\" "); j >= 0 {
			return rest[j+2:]
		}
	}
	if i := strings.LastIndex(s, "__alert_"); i >= 0 {
		rest := s[i:]
		if j := strings.Index(rest, ": "); j >= 0 {
			return rest[j+2:]
		}
	}
	return s
}

// labelRef is one read of $labels.<name> in a template.
type labelRef struct {
	name string
	// text is how it is written: "$labels.pod".
	text string
}

// labelRefs finds $labels.x, .Labels.x and index $labels "x" in a parsed
// template.
func labelRefs(t *parse.Tree) []labelRef {
	var out []labelRef
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			if len(n.Args) >= 3 {
				if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "index" {
					if v, ok := n.Args[1].(*parse.VariableNode); ok && len(v.Ident) == 1 && v.Ident[0] == "$labels" {
						if s, ok := n.Args[2].(*parse.StringNode); ok {
							out = append(out, labelRef{s.Text, fmt.Sprintf("index $labels %s", s.Quoted)})
						}
					}
				}
			}
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.VariableNode:
			if len(n.Ident) >= 2 && n.Ident[0] == "$labels" {
				out = append(out, labelRef{n.Ident[1], "$labels." + n.Ident[1]})
			}
		case *parse.FieldNode:
			if len(n.Ident) >= 2 && n.Ident[0] == "Labels" {
				out = append(out, labelRef{n.Ident[1], ".Labels." + n.Ident[1]})
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	walk(t.Root)
	return out
}
