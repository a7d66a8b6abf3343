package sloimport

import (
	"maps"
	"slices"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/token"
)

// SLO is an imported SLO, in the spec's terms.
type SLO struct {
	Name     string
	Workload string
	// Notes are comments written above the SLO: what the source said that
	// dataopsgen does differently.
	Notes       []string
	Description string
	// Objective is the number as the source wrote it (a percentage).
	Objective string
	Window    string
	Labels    map[string]string
	// Errors or Good, and Total: series selectors of counters.
	Errors, Good, Total string
	Page, Ticket        Tier
}

// Tier is the page or ticket tier of an imported SLO.
type Tier struct {
	Disabled            bool
	Severity            string
	Labels, Annotations map[string]string
}

// CUE renders the SLOs as a `slos:` block of spec CUE, with a header
// comment.
func CUE(header string, slos []SLO) ([]byte, error) {
	var fields []any
	for _, o := range slos {
		fields = append(fields, sloField(o))
	}
	f := &ast.File{}
	decl := &ast.Field{Label: ast.NewIdent("slos"), Value: ast.NewStruct(fields...)}
	ast.AddComment(decl, comment(header))
	f.Decls = append(f.Decls, decl)
	out, err := format.Node(f, format.Simplify())
	if err != nil {
		return nil, err
	}
	return out, nil
}

func comment(text string) *ast.CommentGroup {
	cg := &ast.CommentGroup{Doc: true}
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		cg.List = append(cg.List, &ast.Comment{Text: "// " + line})
	}
	return cg
}

func sloField(o SLO) *ast.Field {
	var body []any
	add := func(label string, v ast.Expr) { body = append(body, ast.NewStringLabel(label), v) }
	if o.Workload != "" {
		add("workload", ast.NewString(o.Workload))
	}
	if o.Description != "" {
		add("description", ast.NewString(o.Description))
	}
	add("objective", ast.NewLit(token.FLOAT, o.Objective))
	if o.Window != "" {
		add("window", ast.NewString(o.Window))
	}
	if len(o.Labels) > 0 {
		add("labels", stringStruct(o.Labels))
	}
	var ratio []any
	if o.Errors != "" {
		ratio = append(ratio, ast.NewIdent("errors"), ast.NewString(o.Errors))
	}
	if o.Good != "" {
		ratio = append(ratio, ast.NewIdent("good"), ast.NewString(o.Good))
	}
	ratio = append(ratio, ast.NewIdent("total"), ast.NewString(o.Total))
	add("sli", ast.NewStruct(ast.NewIdent("ratio"), ast.NewStruct(ratio...)))
	var alerting []any
	for _, t := range []struct {
		name string
		tier Tier
	}{{"page", o.Page}, {"ticket", o.Ticket}} {
		var tb []any
		if t.tier.Disabled {
			tb = append(tb, ast.NewIdent("enabled"), ast.NewBool(false))
		}
		if t.tier.Severity != "" {
			tb = append(tb, ast.NewIdent("severity"), ast.NewString(t.tier.Severity))
		}
		if len(t.tier.Labels) > 0 {
			tb = append(tb, ast.NewIdent("labels"), stringStruct(t.tier.Labels))
		}
		if len(t.tier.Annotations) > 0 {
			tb = append(tb, ast.NewIdent("annotations"), stringStruct(t.tier.Annotations))
		}
		if len(tb) > 0 {
			alerting = append(alerting, ast.NewIdent(t.name), ast.NewStruct(tb...))
		}
	}
	if len(alerting) > 0 {
		add("alerting", ast.NewStruct(alerting...))
	}
	f := &ast.Field{Label: ast.NewStringLabel(o.Name), Value: ast.NewStruct(body...)}
	if len(o.Notes) > 0 {
		ast.AddComment(f, comment(strings.Join(o.Notes, "\n")))
	}
	return f
}

func stringStruct(m map[string]string) *ast.StructLit {
	var fs []any
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fs = append(fs, ast.NewStringLabel(k), ast.NewString(m[k]))
	}
	return ast.NewStruct(fs...)
}

// name makes a DNS-1123 SLO name of parts (lower case, '-' for anything
// else, at most 63 characters).
func name(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		for _, r := range strings.ToLower(p) {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				b.WriteRune(r)
			} else {
				b.WriteByte('-')
			}
		}
	}
	s := strings.Trim(b.String(), "-")
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	if s == "" {
		s = "slo"
	}
	return s
}
