package checks_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// famTricky has every metacharacter the schema lets through, in every place
// a spec value reaches a regex, a matcher, a relabel replacement or a
// template: dots in Kubernetes label values and model names; quotes,
// backslashes, '|', '+', '(', '$' in the error status, the extra log label
// and the route matchers.
const famTricky = `
apiVersion: "dataopsgen.dev/v1alpha1"
workloads: {
	"llm-serve": {
		kind:      "inference"
		namespace: "serving"
		team:      "ml.team_a-1"
		selector: {"app.kubernetes.io/name": "llm.v1", "example.com/tier": "a.b-c_d"}
		inference: {
			models: ["llama.3", "a.b", "x-y_z.0"]
			errorStatus: "5.. \"x\" \\ | + ( $1 ^ [ ] ? *"
		}
		runbookURL: "https://wiki.example.com/a|b(c)?q=.+&x=$1"
		logs: keep: ["level=(warn|error)"]
	}
	trainer: {kind: "training", namespace: "ml", selector: "app": "train.v2"}
}
logs: extraLabels: {cluster: "a$1 ${2} $$ {x} \"q\" \\ |.+(", env: "prod"}
alerting: {
	receivers: ops: slack: {channel: "#ml.alerts", apiURL: {secret: "s", key: "k"}}
	route: receiver: "ops"
	routes: [{match: {team: "a\"b\\c|d(.", severity: "crit.*"}, receiver: "ops"}]
}
`

func TestSpecEscapingTricky(t *testing.T) {
	for _, kind := range []string{"alloy", "promtail"} {
		t.Run(kind, func(t *testing.T) {
			in := famInput(t, famTricky+"stack: logCollector: kind: \""+kind+"\"\n")
			famWant(t, famRun(t, "spec/escaping", in))
		})
	}
}

// TestSpecEscapingProperty compiles specs with random values drawn from
// what the schema allows at each place, and requires spec/escaping (which
// runs the generated relabel rules, matches the generated selectors and
// parses back the matchers) to find every value intact.
func TestSpecEscapingProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const k8sChars = "abcXYZ019._-"
	const anyChars = `abc.|"\+()[]{}*?^$ -_/:#%&=!~,;'` + "`"
	k8sValue := func() string { // a Kubernetes label value: alphanumeric ends
		b := []byte{"aZ9"[r.IntN(3)]}
		for range r.IntN(8) {
			b = append(b, k8sChars[r.IntN(len(k8sChars))])
		}
		return string(append(b, "bY8"[r.IntN(3)]))
	}
	anyValue := func() string {
		var b []byte
		for range 1 + r.IntN(12) {
			b = append(b, anyChars[r.IntN(len(anyChars))])
		}
		// "{{" is a template action: see TestSpecEscapingTemplates.
		return strings.ReplaceAll(string(b), "{{", "{x{")
	}
	q := strconv.Quote
	n := 8
	if testing.Short() {
		n = 2
	}
	for i := range n {
		kind := []string{"alloy", "promtail"}[i%2]
		src := fmt.Sprintf(`
apiVersion: "dataopsgen.dev/v1alpha1"
stack: logCollector: kind: %q
workloads: {
	inf: {
		kind: "inference", namespace: "ns", team: %s
		selector: {"app.kubernetes.io/name": %s, "x.io/v": %s}
		inference: {models: [%s, %s], errorStatus: %s}
		logs: drop: [%s]
	}
	tr: {kind: "training", namespace: "ns", selector: "app.kubernetes.io/component": %s}
}
logs: extraLabels: {l1: %s, l2: %s}
alerting: {
	receivers: ops: webhook: url: {secret: "s", key: "k"}
	routes: [{match: {team: %s, x: %s}, receiver: "ops"}]
}
`, kind, q(k8sValue()), q(k8sValue()), q(k8sValue()), q(k8sValue()), q(k8sValue()), q(anyValue()),
			q(regexpQuote(anyValue())), q(k8sValue()), q(anyValue()), q(anyValue()), q(anyValue()), q(anyValue()))
		in := famInput(t, src)
		if got := famRun(t, "spec/escaping", in); len(got) > 0 {
			t.Errorf("spec:\n%s\n%s", src, famText(got))
		}
	}
}

// regexpQuote keeps a random drop filter valid.
func regexpQuote(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// famEditLogRegex changes the log collector's relabel regex old to new (in
// the generator's typed pipelines, which the check reads).
func famEditLogRegex(old, new string) func(t *testing.T, in *checks.Input) *checks.Input {
	return func(t *testing.T, in *checks.Input) *checks.Input {
		return famEditCollector(t, in, famEachRule(func(r *logs.RelabelRule) {
			if r.Regex == old {
				r.Regex = new
			}
		}))
	}
}

// The check must be able to fail: each case undoes one escape in the
// generated files, as a generator bug would.
func TestSpecEscapingMutations(t *testing.T) {
	famRunCases(t, "spec/escaping", famTricky, []famCase{
		{
			name: "scrape keep regex",
			edit: famEditCase(famScrape, `regex: true;llm\.v1`, `regex: true;llm.v1`),
			want: []string{`spec.cue:8:14: spec/escaping: workloads."llm-serve".selector."app.kubernetes.io/name": the generated scrape relabel rules also keep pods labelled app.kubernetes.io/name="llmxv1": the value "llm.v1" is not regex-escaped`},
		},
		{
			name: "log keep regex",
			edit: famEditLogRegex(`true;a\.b-c_d`, `true;a.b-c_d`),
			want: []string{`spec.cue:8:50: spec/escaping: workloads."llm-serve".selector."example.com/tier": the generated log collector relabel rules also keep pods labelled example.com/tier="axb-c_d"`},
		},
		{
			name: "log relabel drops the pods",
			edit: famEditLogRegex(`true;a\.b-c_d`, `true;a\.b-c_dX`),
			want: []string{`spec.cue:8:3: spec/escaping: workloads."llm-serve": the generated log collector relabel rules drop the workload's own pods`},
		},
		{
			name: "extra label replacement",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEditCollector(t, in, famEachRule(func(r *logs.RelabelRule) {
					if r.TargetLabel == "cluster" {
						r.Replacement = `a$1 ${2} $$ {x} "q" \ |.+(`
					}
				}))
			},
			want: []string{
				`spec.cue:18:21: spec/escaping: logs.extraLabels.cluster: the generated log collector relabel rules set label cluster to "a  $ {x} \"q\" \\ |.+(", not the spec's "a$1 ${2} $$ {x} \"q\" \\ |.+("`,
			},
		},
		{
			name: "rule model regex",
			edit: famEditCase("prometheus-rules/workloads/serving.yaml", `model_name=~"llama\\.3|a\\.b|x-y_z\\.0"`, `model_name=~"llama.3|a.b|x-y_z.0"`),
			want: []string{
				`spec.cue:10:24: spec/escaping: rule HighInferenceLatency: matcher model_name=~"llama.3|a.b|x-y_z.0" also matches "axb": the spec's value "a.b" is not regex-escaped`,
				`spec.cue:10:24: spec/escaping: rule InferenceErrorRateHigh: matcher model_name=~"llama.3|a.b|x-y_z.0" also matches "axb"`,
			},
		},
		{
			name: "rule status quoting",
			edit: famEditCase("prometheus-rules/workloads/serving.yaml", `status="5.. \"x\" \\ | + ( $1 ^ [ ] ? *"`, `status="5.. \"x\" \\\\ | + ( $1 ^ [ ] ? *"`),
			want: []string{`spec.cue:11:4: spec/escaping: rule InferenceErrorRateHigh: matcher status="5.. \"x\" \\\\ | + ( $1 ^ [ ] ? *" compares status with "5.. \"x\" \\\\ | + ( $1 ^ [ ] ? *", which is none of the spec's values ["5.. \"x\" \\ | + ( $1 ^ [ ] ? *"]`},
		},
		{
			name: "dashboard model regex",
			edit: famEditCase(famDash, `model_name=~\"llama\\\\.3|a\\\\.b|x-y_z\\\\.0\"`, `model_name=~\"llama.3|a.b|x-y_z.0\"`),
			want: []string{`spec.cue:10:24: spec/escaping: panel "Error ratio: inference_requests_total": matcher model_name=~"llama.3|a.b|x-y_z.0" also matches "axb"`, `panel "P95 latency: inference_request_duration_seconds"`, `panel "Requests: inference_requests_total"`},
		},
		{
			name: "dashboard variable regex",
			edit: famEditCase(famDash, `workload=~\"llm-serve|trainer\"}, namespace)`, `workload=~\"llm-serve|trainer|.*\"}, namespace)`),
			want: []string{`spec.cue:4:2: spec/escaping: variable "namespace": matcher workload=~"llm-serve|trainer|.*" also matches "llm-servex"`},
		},
		{
			name: "route matcher",
			edit: famEditCase(famValues, `team = "a\"b\\c|d(."`, `team = "a\"b\\\\c|d(."`),
			want: []string{
				`spec.cue:22:20: spec/escaping: alerting.routes.0.match.team: the generated route matcher reads back (UTF-8 parser) as team="a\"b\\\\c|d(.", not the spec's "a\"b\\c|d(."`,
				`(classic parser) as team="a\"b\\\\c|d(."`,
			},
		},
		{
			name: "slack channel template",
			edit: famEditCase(famValues, `channel: '#ml.alerts'`, `channel: '#ml.alerts{{ "x" }}'`),
			want: []string{`spec.cue:20:26: spec/escaping: alerting.receivers.ops.slack.channel: Alertmanager expands channel as a template: the generated "#ml.alerts{{ \"x\" }}" gives "#ml.alertsx", not the spec's "#ml.alerts"`},
		},
	})
}

// TestSpecEscapingTemplates: runbookURL is an alert template of the
// user's, passed as written ({{ .Labels.page }} is meant): a generated
// runbook_url that is not the spec's text is reported at runbookURL. (The
// mutation below plants another text whatever the generator does.)
func TestSpecEscapingTemplates(t *testing.T) {
	src := strings.Replace(famTricky, `runbookURL: "https://wiki.example.com/a|b(c)?q=.+&x=$1"`, `runbookURL: "https://wiki.example.com/{{ .Labels.page }}"`, 1)
	in := famInput(t, src)
	if d := famRun(t, "spec/escaping", in); len(d) != 0 {
		t.Fatalf("a runbookURL template passed as written is reported: %v", d)
	}
	in = famEditFunc(t, in, "prometheus-rules/workloads/serving.yaml", func(b []byte) []byte {
		var pr map[string]any
		if err := yaml.Unmarshal(b, &pr); err != nil {
			t.Fatal(err)
		}
		for _, g := range pr["spec"].(map[string]any)["groups"].([]any) {
			for _, r := range g.(map[string]any)["rules"].([]any) {
				r.(map[string]any)["annotations"].(map[string]any)["runbook_url"] = `https://wiki.example.com/{{ "{{" }} .Labels.page }}`
			}
		}
		out, err := yaml.Marshal(pr)
		if err != nil {
			t.Fatal(err)
		}
		return out
	})
	famWant(t, famRun(t, "spec/escaping", in),
		`spec.cue:13:3: spec/escaping: alert HighInferenceLatency: annotation runbook_url is "https://wiki.example.com/{{ \"{{\" }} .Labels.page }}", not the spec's "https://wiki.example.com/{{ .Labels.page }}"`,
		`alert InferenceErrorRateHigh: annotation runbook_url`,
		`alert InferenceServiceDown: annotation runbook_url`,
	)
}
