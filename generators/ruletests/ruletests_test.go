package ruletests

import (
	"bytes"
	"github.com/dataopsgen/dataopsgen/internal/testbin"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/prometheus/model/rulefmt"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

func example(t testing.TB) *model.Spec { return modeltest.Example(t) }

func specOf(t testing.TB, src string) *model.Spec { return modeltest.Inline(t, src) }

func generateT(t testing.TB, s *model.Spec) []artifact.File {
	t.Helper()
	files, err := New().Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestExamplePasses(t *testing.T) {
	s := example(t)
	files := generateT(t, s)
	if testing.Verbose() {
		for _, f := range files {
			t.Logf("%s\n%s", f.Path, f.Data)
		}
	}
	start := time.Now()
	fails := runTests(files)
	t.Logf("ran the tests of %d workloads in %s", len(files)/2, time.Since(start))
	for _, f := range fails {
		t.Error(f.String())
	}
	if u := UncoveredAlerts(s); len(u) > 0 {
		t.Errorf("alerts without tests: %v", u)
	}
	promtoolCheck(t, files)
}

func TestDeterministic(t *testing.T) {
	a, b := generateT(t, example(t)), generateT(t, example(t))
	if len(a) != len(b) {
		t.Fatal("file count differs")
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("%s differs between runs", a[i].Path)
		}
		if a[i].Role != artifact.Aside {
			t.Errorf("%s: role %v, want Aside", a[i].Path, a[i].Role)
		}
	}
}

// mutation breaks one generated rule the way a regression (or the seed
// tutorial) would; it reports false when it does not apply to the rule.
type mutation struct {
	name string
	f    func(w *model.Workload, r *monitoringv1.Rule) bool
}

func editExpr(r *monitoringv1.Rule, edit func(string) string) bool {
	old := r.Expr.String()
	r.Expr = intstr.FromString(edit(old))
	return r.Expr.String() != old
}

var threshold = regexp.MustCompile(`> ([0-9.e+-]+)$`)

var mutations = []mutation{
	{"drop the namespace matchers", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			e = strings.ReplaceAll(e, `namespace="`+w.Namespace+`", `, "")
			return strings.ReplaceAll(e, `{namespace="`+w.Namespace+`"}`, "")
		})
	}},
	{"drop the workload matchers", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string { return strings.ReplaceAll(e, `, workload="`+w.Name+`"`, "") })
	}},
	{"drop the pod label join", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			return strings.ReplaceAll(e, `, label_app_kubernetes_io_component="`+w.Selector[model.ComponentLabel]+`"`, "")
		})
	}},
	{"raise the threshold far", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			return threshold.ReplaceAllStringFunc(e, func(m string) string {
				v, _ := strconv.ParseFloat(threshold.FindStringSubmatch(m)[1], 64)
				return "> " + strconv.FormatFloat(v*100+10, 'g', -1, 64)
			})
		})
	}},
	{"read the seed's histogram", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			return strings.ReplaceAll(e, "inference_request_duration_seconds_bucket", "http_request_duration_seconds_bucket")
		})
	}},
	{"drop the model label from by()", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string { return strings.ReplaceAll(e, "workload, model_name", "workload") })
	}},
	{"drop for", func(w *model.Workload, r *monitoringv1.Rule) bool {
		if r.For == nil {
			return false
		}
		r.For = nil
		return true
	}},
	{"triple for", func(w *model.Workload, r *monitoringv1.Rule) bool {
		if r.For == nil {
			return false
		}
		d, _ := dur(string(*r.For))
		triple := monitoringv1.Duration(modelDur(3 * d).String())
		r.For = &triple
		return true
	}},
	{"seed's $labels{pod} in the summary", func(w *model.Workload, r *monitoringv1.Rule) bool {
		old := r.Annotations["summary"]
		r.Annotations["summary"] = regexp.MustCompile(`\{\{ \$labels\.(\w+) \}\}`).ReplaceAllString(old, `$$labels{$1}`)
		return r.Annotations["summary"] != old
	}},
}

// A broken rule must fail its tests: every mutation of every alert of the
// example, applied to that one alert, makes the workload's tests fail.
func TestMutationsFail(t *testing.T) {
	mutationsFail(t, example(t), mutations)
}

// mutationsFail applies each mutation that applies to each alert of each
// workload of s, alone, and wants the workload's tests to fail naming the
// alert; at least three must apply to every alert.
func mutationsFail(t *testing.T, s *model.Spec, muts []mutation) {
	t.Helper()
	for _, w := range s.Workloads {
		g := rules.WorkloadGroup(s, w)
		tf := testFile(t, s, w)
		for i, r := range g.Rules {
			applied := 0
			for _, m := range muts {
				broken := g
				broken.Rules = append([]monitoringv1.Rule(nil), g.Rules...)
				br := r.DeepCopy()
				if !m.f(w, br) {
					continue
				}
				applied++
				broken.Rules[i] = *br
				fails := promunit.Run(tf, parseGroup(t, broken))
				if len(fails) == 0 {
					t.Errorf("%s: %s: %s: tests still pass", w.Name, r.Alert, m.name)
					continue
				}
				if !strings.Contains(fails[0].String(), r.Alert) {
					t.Errorf("%s: %s: %s: failure does not name the alert:\n%s", w.Name, r.Alert, m.name, fails[0])
				}
			}
			t.Logf("%s: %s: %d mutations caught", w.Name, r.Alert, applied)
			if applied < 3 {
				t.Errorf("%s: %s: only %d mutations apply", w.Name, r.Alert, applied)
			}
		}
	}
}

func testFile(t testing.TB, s *model.Spec, w *model.Workload) *promunit.TestFile {
	t.Helper()
	for _, f := range generateT(t, s) {
		if f.Path == TestPath(w) {
			tf, err := promunit.Parse(f.Path, f.Data)
			if err != nil {
				t.Fatal(err)
			}
			return tf
		}
	}
	t.Fatalf("no test file for %s", w.Name)
	return nil
}

func parseGroup(t testing.TB, g rules.Group) []rulefmt.RuleGroup {
	t.Helper()
	data, err := artifact.YAML(map[string][]monitoringv1.RuleGroup{"groups": {g.RuleGroup}})
	if err != nil {
		t.Fatal(err)
	}
	groups, err := promunit.ParseRules("broken.rules.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return groups
}

// Specs that exercise other thresholds, windows and shapes: each generated
// test must pass, and each alert must have a firing and a quiet check.
func TestVariedSpecs(t *testing.T) {
	specs := map[string]string{
		"llm serving, three models, strict thresholds": `
workloads: llm: {
	kind: "inference", namespace: "serving", team: "nlp"
	selector: {app: "llm", "app.kubernetes.io/component": "inference"}
	runbookURL: "https://runbooks.example/llm"
	inference: {
		models: ["bert", "gpt2", "t5.small"]
		modelLabel: "model", statusLabel: "code", errorStatus: "500"
		latency: {quantile: 0.99, threshold: "2s", window: "2m", for: "1m"}
		errorRate: {max: 0.6, window: "10m", for: "0s"}
		down: for: "30s"
	}
}
stack: grafana: url: "https://grafana.example"`,
		"fast inference, 250ms, short windows": `
workloads: fast: {
	kind: "inference", namespace: "ml"
	inference: {
		models: ["m"]
		latency: {quantile: 0.5, threshold: "250ms", window: "1m", for: "45s"}
		errorRate: {max: 0.001, window: "1m", for: "2m"}
		down: for: "0s"
	}
}`,
		"batch training without loss, jobFailed disabled": `
workloads: batch: {
	kind: "training", namespace: "jobs"
	training: {
		restarts: {max: 3, window: "10m", for: "2m"}
		jobFailed: enabled: false
	}
}`,
		"training with loss, short stall": `
workloads: "fine-tune": {
	kind: "training", namespace: "research"
	selector: "app.kubernetes.io/component": "trainer"
	training: {
		lossMetric: "train_loss"
		restarts: {max: 1, window: "90s", for: "0s"}
		jobFailed: for: "1m"
		stalled: {after: "10m", for: "0s"}
	}
}`,
	}
	variedSpecsPass(t, specs)
}

// variedSpecsPass: the generated tests of each spec pass, in-process and
// under the real promtool, and each alert has a firing and a quiet check.
func variedSpecsPass(t *testing.T, specs map[string]string) {
	for name, src := range specs {
		t.Run(name, func(t *testing.T) {
			s := specOf(t, src)
			files := generateT(t, s)
			for _, f := range runTests(files) {
				t.Error(f.String())
			}
			for _, w := range s.Workloads {
				firesAndQuiet(t, s, w)
			}
			promtoolCheck(t, files)
		})
	}
}

// firesAndQuiet checks that each alert of workload w has a firing and a
// quiet check in its tests, and returns the alerts' names.
func firesAndQuiet(t *testing.T, s *model.Spec, w *model.Workload) []string {
	t.Helper()
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tg := range testFile(t, s, w).Tests {
		for _, c := range tg.AlertRuleTests {
			if len(c.ExpAlerts) > 0 {
				fires[c.Alertname] = true
			} else {
				quiet[c.Alertname] = true
			}
		}
	}
	var names []string
	for _, r := range rules.WorkloadGroup(s, w).Rules {
		names = append(names, r.Alert)
		if !fires[r.Alert] || !quiet[r.Alert] {
			t.Errorf("%s: %s: fires checked %v, quiet checked %v", w.Name, r.Alert, fires[r.Alert], quiet[r.Alert])
		}
	}
	return names
}

// promtoolCheck runs the emitted files under a real promtool
// (testbin.Promtool: $PROMTOOL, else built from our Prometheus
// dependency), as a user would: written out, `promtool test rules
// tests/*.test.yaml`.
func promtoolCheck(t *testing.T, files []artifact.File) {
	t.Helper()
	bin := testbin.Promtool(t)
	dir := t.TempDir()
	var tests []string
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p, ".test.yaml") {
			tests = append(tests, p)
		}
	}
	out, err := exec.Command(bin, append([]string{"test", "rules"}, tests...)...).CombinedOutput()
	if err != nil {
		t.Errorf("promtool test rules: %v\n%s", err, out)
	}
}
