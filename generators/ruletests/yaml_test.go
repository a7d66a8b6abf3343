package ruletests

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/common/model"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// sameAsYAML fails t unless appendTestFile writes artifact.YAML's bytes
// (or both fail); it reports whether the direct path wrote them.
func sameAsYAML(t *testing.T, tf *promunit.TestFile) bool {
	t.Helper()
	want, werr := artifact.YAML(tf)
	got, gerr := appendTestFile([]byte("#\n"), tf)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("artifact.YAML: %v, appendTestFile: %v", werr, gerr)
	}
	if werr == nil && !bytes.Equal(got, append([]byte("#\n"), want...)) {
		t.Fatalf("appendTestFile differs from artifact.YAML:\n--- artifact.YAML\n%s\n--- appendTestFile\n%s", want, got)
	}
	_, direct := directTestFile(artifact.NewYAMLWriter(nil), nil, tf)
	return direct
}

// TestDirectYAMLOfGeneratedFiles: every test file generated for the
// example and for 200 synthetic workloads is written by the direct path,
// with artifact.YAML's bytes.
func TestDirectYAMLOfGeneratedFiles(t *testing.T) {
	size := 200
	if testing.Short() {
		size = 20
	}
	for name, s := range map[string]func() []artifact.File{
		"example":   func() []artifact.File { return generateT(t, example(t)) },
		"synthetic": func() []artifact.File { return generateT(t, modeltest.Synthetic(t, size)) },
	} {
		t.Run(name, func(t *testing.T) {
			n := 0
			for _, f := range s() {
				tf, ok := f.Value.(*promunit.TestFile)
				if !ok {
					continue
				}
				n++
				if !sameAsYAML(t, tf) {
					t.Fatalf("%s: not written by the direct path", f.Path)
				}
				want, err := artifact.YAML(tf)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(f.Data, append([]byte(testHeader), want...)) {
					t.Fatalf("%s: file is not the header and artifact.YAML's bytes", f.Path)
				}
			}
			if n < 2 {
				t.Fatalf("only %d test files", n)
			}
		})
	}
}

// awkward are strings whose YAML needs quoting, escapes, folding or a
// fallback.
var awkward = []string{
	"", " ", "  ", "a", " lead", "trail ", "a  b", "a\tb", "\t", "x\n", "\ny", "a\nb", "a\n\nb", "a \nb", "a\n b",
	"a\r\nb", "\r", "\x00", "\x07", "\x1b", "\x7f", "\u0085", "\u00a0", "\u2028", "\u2029", "\ufeff", "\ufeffx", "\ufffe", "\uffff",
	"\xff", "a\xc3", "é", "日本語", "😀", "ü ü ü",
	`"`, `'`, `\`, `\\`, `a"b`, `a'b`, `'quoted'`, `"quoted"`, `a\nb`, `{{ $value }}`, `{{ $labels.job }} is down`,
	":", "a:", "a: b", "a:b", ":a", "#", "a #b", "a#b", "- ", "-", "-a", "--- ", "---", "...", "? ", "?a", "!a", "&a", "*a", "|", ">", "%", "@", "`",
	"[", "]", "{", "}", ",", "{}", "[]", "a,b", "<>&",
	"0", "1", "-1", "0x11", "0o17", "017", "1e3", "1.5", ".5", "+1", "1_000", "1:30", "190:20:30", ".inf", "-.Inf", ".nan", "NaN", "Inf",
	"0+20x11", "1x10 0x5 stale", "_x3", "stale", "1+0x0",
	"true", "false", "True", "yes", "no", "on", "off", "y", "n", "Y", "N", "null", "Null", "~", "<<",
	"2001-12-14", "2001-12-14t21:59:43.10-05:00", "2006-01-02 15:04:05", "1m", "0s",
	"abcdefg\x7f", "\x7fabcdefgh", "abcdefgh\x7f", strings.Repeat("a", 9) + "\x7f" + strings.Repeat("b", 8), strings.Repeat("a", 16) + "\u0085",
	strings.Repeat("日本 ", 40) + "x", strings.Repeat("ü", 60) + " a b c d e f g h i j k l m n o p q r s t u v w x y z",
	strings.Repeat("x", 200), strings.Repeat("ab ", 60), strings.Repeat("a ", 100) + " end", strings.Repeat("é ", 90),
	strings.Repeat("w", 79) + " " + strings.Repeat("v", 10), strings.Repeat("w", 80) + "  " + strings.Repeat("v", 10),
	strings.Repeat("long label value ", 20) + `"q" \ 'x'`, strings.Repeat("k", 129), strings.Repeat("k", 1100),
}

// fileWith is a test file with s in every string the generator writes
// (series, values, label names and values, annotations, names).
func fileWith(s string) *promunit.TestFile {
	long := `metric_name{label="` + strings.Repeat("v", 50) + `", other="` + s + `", x="y y y y"}`
	tf := &promunit.TestFile{
		RuleFiles:          []string{"rules/a.rules.yaml", s},
		EvaluationInterval: model.Duration(time.Minute),
		Tests: []promunit.TestGroup{{
			Name:     s,
			Interval: model.Duration(30 * time.Second),
			InputSeries: []promunit.Series{
				{Series: s, Values: s},
				{Series: long, Values: strings.Repeat("1+2x3 ", 20) + s},
			},
			AlertRuleTests: []promunit.AlertTestCase{
				{EvalTime: model.Duration(5 * time.Minute), Alertname: s, ExpAlerts: []promunit.Alert{{
					ExpLabels:      map[string]string{"severity": s, "a10": "x", "a9": s, "job": long},
					ExpAnnotations: map[string]string{"summary": s, "description": strings.Repeat("word ", 30) + s},
				}}},
				{EvalTime: 0, Alertname: "Quiet", ExpAlerts: []promunit.Alert{}},
			},
		}},
	}
	// A second group with the same series (written once, copied after)
	// in another order.
	tf.Tests = append(tf.Tests, promunit.TestGroup{Name: "again", InputSeries: []promunit.Series{
		{Series: long, Values: s}, {Series: s, Values: "1x3"}, {Series: s, Values: s},
	}})
	// As a key too, unless the direct writer leaves it to YAML (a long
	// or multiline key) and so every string to YAML.
	if keyDirect(s) {
		tf.Tests[0].AlertRuleTests[0].ExpAlerts[0].ExpLabels[s] = "v"
	}
	return tf
}

func keyDirect(s string) bool {
	return len(s) <= 128 && !strings.ContainsAny(s, "\r\n\u0085\u2028\u2029")
}

// direct reports whether the direct writer writes s (YAML's JSON round
// trip carries it as it is).
func direct(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return r == 0x7F || 0x80 <= r && r <= 0x9F || r == 0xFFFE || r == 0xFFFF
	})
}

func TestDirectYAMLMatchesYAML(t *testing.T) {
	// Each string is written directly unless YAML would change or
	// refuse it: the fallback does not hide the direct path's mistakes.
	for _, s := range awkward {
		if got := sameAsYAML(t, fileWith(s)); got != direct(s) {
			t.Fatalf("%q: written directly: %v, want %v", s, got, direct(s))
		}
	}
	// Shapes: nil and empty lists, empty alerts, unmodelled fields.
	shapes := []*promunit.TestFile{
		{},
		{RuleFiles: []string{}, Tests: []promunit.TestGroup{}},
		{Tests: []promunit.TestGroup{{}}},
		{Tests: []promunit.TestGroup{{InputSeries: []promunit.Series{}, AlertRuleTests: []promunit.AlertTestCase{{}}}}},
		{Tests: []promunit.TestGroup{{AlertRuleTests: []promunit.AlertTestCase{{ExpAlerts: []promunit.Alert{{}, {ExpLabels: map[string]string{}}, {ExpLabels: map[string]string{"a": "b"}}, {ExpAnnotations: map[string]string{"a": "b"}}}}}}}},
		{GroupEvalOrder: []string{"g"}, FuzzyCompare: true},
		{Tests: []promunit.TestGroup{{ExternalLabels: map[string]string{"a": "b"}, ExternalURL: "http://x", StartTimestamp: "0"}}},
		{Tests: []promunit.TestGroup{{PromqlExprTests: []promunit.PromqlTestCase{{Expr: "up", ExpSamples: []promunit.Sample{{Labels: "up", Value: 1e21}}}}}}},
	}
	for _, tf := range shapes {
		sameAsYAML(t, tf)
	}
}

func FuzzDirectYAMLMatchesYAML(f *testing.F) {
	for i, s := range awkward {
		f.Add(s, awkward[(i+1)%len(awkward)], awkward[(i+7)%len(awkward)], awkward[(i+13)%len(awkward)])
	}
	f.Fuzz(func(t *testing.T, series, values, key, value string) {
		tf := fileWith(series)
		tf.Tests[0].InputSeries[0].Values = values
		a := &tf.Tests[0].AlertRuleTests[0].ExpAlerts[0]
		a.ExpLabels[key] = value
		a.ExpAnnotations[value] = key
		sameAsYAML(t, tf)
	})
}

// TestDirectYAMLKnowsEveryField: a field added to the test file types
// must be written by directTestFile or make modelled send the file to
// artifact.YAML; this fails until the writer has been looked at.
func TestDirectYAMLKnowsEveryField(t *testing.T) {
	for v, n := range map[reflect.Type]int{
		reflect.TypeFor[promunit.TestFile]():      6,
		reflect.TypeFor[promunit.TestGroup]():     8,
		reflect.TypeFor[promunit.Series]():        3,
		reflect.TypeFor[promunit.AlertTestCase](): 3,
		reflect.TypeFor[promunit.Alert]():         2,
	} {
		if got := v.NumField(); got != n {
			t.Errorf("%v has %d fields, the direct YAML writer knows %d", v, got, n)
		}
	}
}
