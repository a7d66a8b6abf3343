package promunit

import (
	"github.com/dataopsgen/dataopsgen/internal/testbin"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/prometheus/prometheus/model/rulefmt"
	"go.yaml.in/yaml/v2"
)

func load(t *testing.T) *TestFile {
	t.Helper()
	data, err := os.ReadFile("testdata/app.test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tf, err := Parse("app.test.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return tf
}

func TestPass(t *testing.T) {
	if f := RunFile("testdata/app.test.yaml"); len(f) > 0 {
		t.Fatalf("unexpected failures:\n%s", join(f))
	}
	// The same through an fs.FS (how generated files are run from memory).
	fsys := fstest.MapFS{}
	for _, n := range []string{"app.test.yaml", "rules.yaml"} {
		b, _ := os.ReadFile(filepath.Join("testdata", n))
		fsys["t/"+n] = &fstest.MapFile{Data: b}
	}
	if f := RunFS(fsys, "t/app.test.yaml"); len(f) > 0 {
		t.Fatalf("unexpected failures:\n%s", join(f))
	}
	crossCheck(t, load(t), true)
}

// Each mutation of the passing file must fail with a diff that says why.
func TestMismatches(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(tf *TestFile)
		want   []string
	}{{
		name: "missing alert",
		// At 2m the alert is only pending.
		mutate: func(tf *TestFile) { tf.Tests[0].AlertRuleTests[0].ExpAlerts = tf.Tests[0].AlertRuleTests[1].ExpAlerts },
		want:   []string{"HighErrors at 2m", "expected 1 firing alert(s), got 0", "missing alert {alertname=\"HighErrors\", instance=\"a\""},
	}, {
		name:   "unexpected alert",
		mutate: func(tf *TestFile) { tf.Tests[0].AlertRuleTests[1].ExpAlerts = nil },
		want:   []string{"HighErrors at 5m", "expected 0 firing alert(s), got 1", "unexpected alert {alertname=\"HighErrors\", instance=\"a\"", "annotations {runbook="},
	}, {
		name:   "wrong label",
		mutate: func(tf *TestFile) { tf.Tests[0].AlertRuleTests[1].ExpAlerts[0].ExpLabels["severity"] = "warning" },
		want:   []string{"wrong labels on alert", `-severity="warning"`, `+severity="page"`},
	}, {
		name:   "missing label",
		mutate: func(tf *TestFile) { delete(tf.Tests[0].AlertRuleTests[1].ExpAlerts[0].ExpLabels, "job") },
		want:   []string{"wrong labels on alert", `+job="app"`},
	}, {
		name: "wrong annotation",
		mutate: func(tf *TestFile) {
			tf.Tests[0].AlertRuleTests[1].ExpAlerts[0].ExpAnnotations["summary"] = "a fails {{ $value }} times a second"
		},
		want: []string{"wrong annotations on alert", "summary:", "-\"a fails {{ $value }} times a second\"", "+\"a fails 1 times a second\""},
	}, {
		name: "wrong sample",
		mutate: func(tf *TestFile) {
			tf.Tests[0].PromqlExprTests[0].ExpSamples[0].Value = 2
		},
		want: []string{`expr "job:errors:rate5m" at 5m`, "exp: {__name__=\"job:errors:rate5m\", job=\"app\"} 2E+00", "got: {__name__=\"job:errors:rate5m\", job=\"app\"} 1E+00"},
	}, {
		name: "bad series",
		mutate: func(tf *TestFile) {
			tf.Tests[1].InputSeries[0].Values = "0+1x10 oops"
		},
		want: []string{`tests[1] "quiet"`, "input_series:"},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tf := load(t)
			c.mutate(tf)
			f := Run(tf, rulesOf(t))
			if len(f) != 1 {
				t.Fatalf("want 1 failure, got %d:\n%s", len(f), join(f))
			}
			s := f[0].String()
			for _, w := range c.want {
				if !strings.Contains(s, w) {
					t.Errorf("failure lacks %q:\n%s", w, s)
				}
			}
			crossCheck(t, tf, false)
		})
	}
}

func TestRuleFileErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.test.yaml"), "rule_files: [nope/*.yaml]\ntests: []\n")
	if f := RunFile(filepath.Join(dir, "a.test.yaml")); len(f) != 1 || !strings.Contains(f[0].Message, "no file matches") {
		t.Fatalf("got %v", f)
	}
	write(t, filepath.Join(dir, "b.test.yaml"), "rule_files: [r.yaml]\nbogus: 1\ntests: []\n")
	if f := RunFile(filepath.Join(dir, "b.test.yaml")); len(f) != 1 || !strings.Contains(f[0].Message, "bogus") {
		t.Fatalf("got %v", f)
	}
}

func rulesOf(t *testing.T) []rulefmt.RuleGroup {
	t.Helper()
	b, err := os.ReadFile("testdata/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	g, err := ParseRules("rules.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// crossCheck runs the same test under a real promtool (testbin.Promtool:
// $PROMTOOL, else built from our Prometheus dependency) and requires the
// same verdict.
func crossCheck(t *testing.T, tf *TestFile, pass bool) {
	t.Helper()
	bin := testbin.Promtool(t)
	dir := t.TempDir()
	rules, _ := os.ReadFile("testdata/rules.yaml")
	write(t, filepath.Join(dir, "rules.yaml"), string(rules))
	data, err := yaml.Marshal(tf)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "x.test.yaml"), string(data))
	out, err := exec.Command(bin, "test", "rules", filepath.Join(dir, "x.test.yaml")).CombinedOutput()
	if (err == nil) != pass {
		t.Errorf("promtool disagrees (want pass=%v, err=%v):\n%s", pass, err, out)
	}
}

func write(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func join(f []Failure) string {
	s := make([]string, len(f))
	for i, x := range f {
		s[i] = x.String()
	}
	return strings.Join(s, "\n")
}
