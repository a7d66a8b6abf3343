package checks

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
)

// parseOutcome is everything rules/parse takes from a parse: whether it
// succeeded, and per error its text (positions included) and the parts
// ruleErr reads (group, rule index, cleaned message).
func parseOutcome(parse ruleParse, data []byte) []string {
	parsed, errs := parse(data)
	out := []string{fmt.Sprintf("parsed: %v", parsed != nil)}
	for _, err := range errs {
		group := "-"
		if e, ok := err.(*rulefmt.Error); ok {
			group = e.Group
		}
		out = append(out, fmt.Sprintf("%s | group %q index %d | %s", err, group, ruleIndex(err), cleanRuleErr(err)))
	}
	slices.Sort(out[1:])
	return out
}

// brokenRuleFiles are rule files (rulefmt's format) broken in every way the
// shared validation of alerts' entries could get wrong.
var brokenRuleFiles = map[string]string{
	"bad template in annotation": `
groups:
- name: g
  rules:
  - alert: A
    expr: up == 0
    annotations:
      summary: '{{ $labels.job'
      description: ok {{ $value }}
`,
	"bad template in label": `
groups:
- name: g
  rules:
  - alert: A
    expr: up == 0
    labels:
      severity: '{{ .Foo | nosuchfunc }}'
      team: x
`,
	"bad expr": `
groups:
- name: g
  rules:
  - alert: A
    expr: up ==
    annotations:
      summary: '{{ $labels.job }}'
  - record: r:up
    expr: sum(up
`,
	"duplicate group": `
groups:
- name: g
  rules:
  - alert: A
    expr: up == 0
    annotations: {summary: '{{ end }}'}
- name: g
  rules:
  - alert: A
    expr: up == 0
    annotations: {summary: '{{ end }}'}
- name: ""
  labels: {"": x, __name__: y}
  rules: []
`,
	"unknown field": `
groups:
- name: g
  rules:
  - alert: A
    expr: up == 0
    annotation: {summary: '{{ x'}
`,
	"bad duration": `
groups:
- name: g
  rules:
  - alert: A
    expr: up == 0
    for: 5x
    annotations: {summary: '{{ x'}
`,
	"bad label and annotation names": `
groups:
- name: g
  rules:
  - alert: A
    expr: up == 0
    labels: {"": x, __name__: '{{ y', ok: z}
    annotations: {"": '{{ .Bad', good: fine}
  - alert: A
    expr: up == 0
    labels: {"": '}}', plain: 'a { b }', __name__: x}
    annotations: {"": 'no template }}', good: fine}
  - record: r:up
    expr: sum(up)
    labels: {"": x, __name__: y, t: '{{ not parsed'}
    annotations: {summary: '{{ x'}
    for: 1m
`,
	"record and alert": `
groups:
- name: g
  rules:
  - alert: A
    record: r:{x}
    expr: up
    annotations: {summary: '{{ x'}
  - expr: up
    labels: {a: '{{ y'}
  - alert: ""
    record: ""
    expr: ""
`,
	"mixed valid and invalid repeated texts": `
groups:
- name: g1
  rules:
  - alert: A
    expr: up == 0
    labels: {severity: warning, x: '{{ $labels.job }}'}
    annotations: {summary: '{{ $labels.job', description: "line 1\nline 2 {{ if }}\n"}
  - alert: B
    expr: up == 0
    labels: {severity: warning, x: '{{ $labels.job }}'}
    annotations: {summary: '{{ $labels.job', description: "line 1\nline 2 {{ if }}\n"}
  - alert: A
    expr: up == 0
    labels: {severity: '{{ $labels.job', x: '{{ $labels.job }}'}
    annotations: {summary: '{{ $labels.job }}', description: "line 1\nline 2 {{ if }}\n"}
- name: g2
  rules:
  - alert: A
    expr: up == 0
    labels: {severity: warning}
    annotations: {summary: '{{ $labels.job'}
  - record: A
    expr: up
    labels: {severity: '{{ $labels.job'}
`,
	"template named as the alert": `
groups:
- name: g
  rules:
  - alert: A
    expr: up == 0
    annotations: {summary: '{{ define "__alert_A" }}x{{ end }}', other: '{{ define "__alert_B" }}x{{ end }}'}
  - alert: B
    expr: up == 0
    annotations: {summary: '{{ define "__alert_A" }}x{{ end }}', other: '{{ define "__alert_B" }}x{{ end }}'}
`,
	"second document": "groups: []\n---\ngroups: [{name: g, rules: [{alert: A, expr: up, labels: {a: '{{'}}]}]\n",
	"empty":           "",
	"not a mapping":   "- a\n",
}

// TestRuleParserMatchesRulefmt: the shared validation reports what
// rulefmt.Parse reports (texts, positions, groups, rule indexes) on broken
// rule files, one by one and concatenated (texts shared across files: the
// same parser is reused), whether it keeps every entry it validated or
// empties its entries after each one or two.
func TestRuleParserMatchesRulefmt(t *testing.T) {
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range brokenRuleFiles {
			if !yield(k) {
				return
			}
		}
	})
	for _, keep := range []int{ruleEntriesKept, 1, 2} {
		p := newRuleParserKeeping(keep)
		for _, name := range names {
			data := []byte(strings.TrimPrefix(brokenRuleFiles[name], "\n"))
			want := parseOutcome(rulefmtParse, data)
			got := parseOutcome(p.parse, data)
			if !slices.Equal(got, want) {
				t.Errorf("keeping %d, %s:\ngot  %q\nwant %q", keep, name, got, want)
			}
			if name != "empty" && name != "second document" && len(want) == 1 {
				t.Errorf("%s: rulefmt finds no error: the case proves nothing", name)
			}
		}
		if len(p.entries) > keep {
			t.Errorf("keeping %d: %d entries kept", keep, len(p.entries))
		}
	}
}

// TestPlainValues: rulefmt validates a label or annotation value without
// "{{" (valid UTF-8) as it validates "", whatever else it holds (random
// texts of template-ish characters).
func TestPlainValues(t *testing.T) {
	validate := func(annotation bool, v string) string {
		r := rulefmt.Rule{Alert: "A", Expr: "1"}
		if annotation {
			r.Annotations = map[string]string{"k": v}
		} else {
			r.Labels = map[string]string{"k": v}
		}
		return fmt.Sprint(r.Validate(rulefmt.RuleNode{}, model.UTF8Validation, PromQL))
	}
	if validate(true, "{{ x") == validate(true, "") {
		t.Fatal("a broken template validates as the empty text: the comparison proves nothing")
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"{", "}", "}}", " ", "-", "$", ".", "a", "\n", `"`, "/*", "*/", "|", "é", "define", "end", "(", ")"}
	texts := []string{"{", "}", "}}", "{ {", "{}{", "}}{", "a {", "{\n{", "x {-"}
	for range 2000 {
		var b strings.Builder
		for range rnd.IntN(12) {
			b.WriteString(alphabet[rnd.IntN(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	for _, text := range texts {
		if !plainValue(text) {
			continue
		}
		for _, annotation := range []bool{false, true} {
			if got, want := validate(annotation, text), validate(annotation, ""); got != want {
				t.Errorf("%q (annotation %v): %s, not %s", text, annotation, got, want)
			}
		}
	}
	for _, text := range []string{"{{", "a {{ b", "\xff"} {
		if plainValue(text) {
			t.Errorf("%q is plain", text)
		}
	}
}

// TestPlainValuesExpand: Prometheus expands a value without "{{" (valid
// UTF-8) to itself, whatever else it holds (spec/escaping relies on it).
func TestPlainValuesExpand(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"{", "}", "}}", " ", "-", "$", ".", "a", "\n", `"`, "%", "/*", "|", "é", "https://x/?a=b&c", "<", ">", "'"}
	texts := []string{"", "{", "}}", "{ {", "}}{", "https://grafana/d/x?var-a={a}"}
	for range 1000 {
		var b strings.Builder
		for range rnd.IntN(12) {
			b.WriteString(alphabet[rnd.IntN(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	lbls := map[string]string{"job": "x"}
	for _, text := range texts {
		if !plainValue(text) {
			continue
		}
		if got, err := expandAlertText("A", lbls, text); err != nil || got != text {
			t.Errorf("%q expands to %q (%v)", text, got, err)
		}
	}
	if got, _ := expandAlertText("A", lbls, "a {{ $labels.job }}"); got != "a x" {
		t.Fatalf("a template expands to %q: the comparison proves nothing", got)
	}
}

// The fast rules/parse needs rulefmt's group validation; without it every
// file goes through rulefmt.Parse whole (correct, slow).
func TestGroupsValidateFound(t *testing.T) {
	if !groupsValidate.IsValid() || groupsNodeType == nil {
		t.Fatal("rulefmt.(*RuleGroups).Validate changed: rules/parse falls back to rulefmt.Parse; adapt ruleParser.parse")
	}
}
