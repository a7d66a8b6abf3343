package checks_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// baseSpec is the spec the check tests add their mistakes to (in x.cue):
// an inference and a GPU training workload in namespace ml.
const baseSpec = `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: {
	resnet: {
		kind:      "inference"
		namespace: "ml"
		inference: models: ["resnet50"]
	}
	trainer: {
		kind:      "training"
		namespace: "ml"
		gpu:       true
		training: lossMetric: "training_loss"
	}
}
`

// runCheck runs the named check on base (baseSpec if empty) plus extra and returns its
// diagnostics as "x.cue:line:col: message".
func runCheck(t *testing.T, name, base, extra string) []string {
	t.Helper()
	if base == "" {
		base = baseSpec
	}
	res, diags := load.Files([]load.File{{Name: "base.cue", Data: []byte(base)}, {Name: "x.cue", Data: []byte(extra)}})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	s, diags := model.Decode(res)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	files, err := build.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(checks.All(), func(c checks.Check) bool { return c.Name == name })
	if i < 0 {
		t.Fatalf("no check %s", name)
	}
	var out []string
	for _, d := range checks.All()[i].Run(&checks.Input{Spec: s, Files: files}).Sorted() {
		out = append(out, d.Pos.String()+": "+d.Message)
	}
	return out
}

type checkCase struct {
	name string
	// base replaces baseSpec.
	base  string
	extra string
	want  []string
}

func runCases(t *testing.T, check string, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := runCheck(t, check, tc.base, tc.extra)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", check, diff)
			}
		})
	}
}

// rule renders an extraRules group g holding the given rules (CUE).
func rule(rules ...string) string {
	return "extraRules: g: rules: [\n" + strings.Join(rules, ",\n") + "]\n"
}

func TestRulesTemplate(t *testing.T) {
	runCases(t, "rules/template", []checkCase{
		{name: "example spec", extra: ``},
		{name: "fine", extra: rule(`{alert: "A", expr: "up == 0", annotations: summary: "{{ $labels.pod }} is {{ $value | humanize }}; {{ if gt $value 1.0 }}high{{ end }}"}`)},
		{
			name:  "seed: $labels{pod} as text",
			extra: rule(`{alert: "A", expr: "up == 0", annotations: summary: "Pod $labels{pod} restarted"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary: "$labels{pod}" is outside {{ }}, so Prometheus prints it as is; write {{ $labels.pod }}`},
		},
		{
			name:  "$value outside braces, in a label",
			extra: rule(`{alert: "A", expr: "up == 0", labels: note: "value $value", annotations: summary: "{{ $labels.pod }} $labels.pod"}`),
			want: []string{
				`x.cue:2:1: alert A: annotation summary: "$labels.pod" is outside {{ }}, so Prometheus prints it as is; write {{ $labels.pod }}`,
				`x.cue:2:1: alert A: label note: "$value" is outside {{ }}, so Prometheus prints it as is; write {{ $value }}`,
			},
		},
		{
			name:  "runtime error: humanize of a label",
			extra: rule(`{alert: "A", expr: "up{job=\"x\"} == 0", annotations: summary: "{{ humanize $labels.job }}"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary does not expand: at <humanize $labels.job>: error calling humanize: strconv.ParseFloat: parsing "x": invalid syntax`},
		},
		{
			name:  "runtime error: range over the value",
			extra: rule(`{alert: "A", expr: "up == 0", annotations: summary: "{{ range $value }}x{{ end }}"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary does not expand: at <$value>: range can't iterate over 1.5`},
		},
		{
			name:  "parse errors are rules/parse's",
			extra: rule(`{alert: "A", expr: "up == 0", annotations: summary: "{{ $labels.pod "}`),
		},
		{
			name:  "query works",
			extra: rule(`{alert: "A", expr: "up == 0", annotations: summary: "{{ with query \"up\" }}{{ . | first | value | humanize }}{{ end }}"}`),
		},
		{
			name:  "recording rules have no templates",
			extra: rule(`{record: "a:b", expr: "sum(up)", labels: x: "$labels{pod}"}`),
		},
	})
}

func TestRulesTemplateLabels(t *testing.T) {
	runCases(t, "rules/template-labels", []checkCase{
		{name: "example spec", extra: ``},
		{
			name: "seed: $labels.restart_count",
			extra: rule(`{
	alert: "PodRestarting"
	expr:  "sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace=\"ml\"}[5m])) > 0"
	annotations: description: "{{ $labels.pod }} restarted {{ $labels.restart_count }} times"
}`),
			want: []string{`x.cue:2:1: alert PodRestarting: annotation description reads $labels.restart_count, but the alert's series never carry label restart_count (they carry only namespace, pod)`},
		},
		{
			name:  "aggregation without grouping",
			extra: rule(`{alert: "A", expr: "sum(up) == 0", annotations: summary: "{{ $labels.namespace }} and {{ .Labels.pod }} and {{ index $labels \"job\" }}"}`),
			want: []string{
				`x.cue:2:1: alert A: annotation summary reads $labels.namespace, but the alert's series never carry label namespace (they carry no labels)`,
				`x.cue:2:1: alert A: annotation summary reads .Labels.pod, but the alert's series never carry label pod (they carry no labels)`,
				`x.cue:2:1: alert A: annotation summary reads index $labels "job", but the alert's series never carry label job (they carry no labels)`,
			},
		},
		{
			name:  "a rule's own label is not in $labels",
			extra: rule(`{alert: "A", expr: "sum by (namespace) (up) == 0", labels: severity: "page", annotations: summary: "{{ $labels.severity }}"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary reads $labels.severity, but the alert's series never carry label severity (they carry only namespace); the rule's own labels are not in $labels`},
		},
		{
			name:  "absent keeps its equality matchers",
			extra: rule(`{alert: "A", expr: "absent(up{namespace=\"ml\", workload=~\"r.*\"})", annotations: summary: "{{ $labels.namespace }} {{ $labels.workload }}"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary reads $labels.workload, but the alert's series never carry label workload (they carry only namespace)`},
		},
		{
			name:  "histogram_quantile drops le",
			extra: rule(`{alert: "A", expr: "histogram_quantile(0.9, sum by (le, model_name) (rate(inference_request_duration_seconds_bucket[5m]))) > 1", annotations: summary: "{{ $labels.model_name }} {{ $labels.le }}"}`),
			want:  []string{`x.cue:2:1: alert A: annotation summary reads $labels.le, but the alert's series never carry label le (they carry only model_name)`},
		},
		{
			name:  "label_replace and group_left add labels",
			extra: rule(`{alert: "A", expr: "label_replace(sum by (pod) (up), \"x\", \"$1\", \"pod\", \"(.*)\") * on (pod) group_left (node) kube_pod_info", annotations: summary: "{{ $labels.x }} {{ $labels.node }}"}`),
		},
		{
			name:  "unknown metric: nothing is known",
			extra: rule(`{alert: "A", expr: "nope > 0", annotations: summary: "{{ $labels.anything }}"}`),
		},
	})
}

func TestRulesDuplicate(t *testing.T) {
	runCases(t, "rules/duplicate", []checkCase{
		{name: "example spec", extra: ``},
		{
			name:  "same name, same labels",
			extra: rule(`{alert: "A", expr: "up == 0"}`, `{alert: "A", expr: "up == 1"}`),
			want:  []string{`x.cue:3:1: alert A is defined twice in group "g" with the same labels (rules 0 and 1); rename one or give them different labels`},
		},
		{
			name:  "same name, severities differ",
			extra: rule(`{alert: "A", expr: "up == 0", labels: severity: "warning"}`, `{alert: "A", expr: "up == 1", labels: severity: "critical"}`),
		},
		{
			name:  "recording rules",
			extra: rule(`{record: "a:b", expr: "sum(up)"}`, `{record: "a:b", expr: "sum(up)"}`),
			want:  []string{`x.cue:3:1: recording rule a:b is defined twice in group "g" with the same labels (rules 0 and 1); rename one or give them different labels`},
		},
		{
			name:  "same alert in two groups",
			extra: "extraRules: g1: rules: [{alert: \"A\", expr: \"up\"}]\nextraRules: g2: rules: [{alert: \"A\", expr: \"up\"}]\n",
		},
		{
			name:  "group name with a dash",
			extra: "extraRules: \"my-group\": rules: [{alert: \"A\", expr: \"up\"},\n{alert: \"A\", expr: \"up\"}]\n",
			want:  []string{`x.cue:2:1: alert A is defined twice in group "my-group" with the same labels (rules 0 and 1); rename one or give them different labels`},
		},
	})
}

func TestRulesRateWindow(t *testing.T) {
	runCases(t, "rules/rate-window", []checkCase{
		{name: "example spec", extra: ``},
		{
			name:  "seed: too short a window",
			extra: rule(`{alert: "A", expr: "rate(inference_requests_total[1m]) > 1"}`),
			want:  []string{`x.cue:2:1: alert A: rate() over [1m] spans fewer than 4 scrapes (scrape interval 30s): use a window of at least 2m`},
		},
		{
			name:  "every range function, subqueries left alone",
			extra: rule(`{record: "a:b", expr: "max_over_time(up[90s]) + changes(up[1m]) + irate(up[2m]) + max_over_time(rate(up[2m])[1m:10s])"}`),
			want: []string{
				`x.cue:2:1: recording rule a:b: changes() over [1m] spans fewer than 4 scrapes (scrape interval 30s): use a window of at least 2m`,
				`x.cue:2:1: recording rule a:b: max_over_time() over [1m30s] spans fewer than 4 scrapes (scrape interval 30s): use a window of at least 2m`,
			},
		},
		{
			name:  "generated alert: at the workload's window",
			extra: "stack: prometheus: scrapeInterval: \"2m\"\nworkloads: resnet: inference: latency: window: \"10m\"\n",
			want: []string{
				`base.cue:6:3: alert InferenceErrorRateHigh: rate() over [5m] spans fewer than 4 scrapes (scrape interval 2m): use a window of at least 8m`,
				`base.cue:12:3: alert TrainingPodCrashLooping: increase() over [5m] spans fewer than 4 scrapes (scrape interval 2m): use a window of at least 8m`,
			},
		},
		{
			name:  "generated alert: the window the user wrote",
			extra: "workloads: resnet: inference: latency: window:\n\t\"1m\"\n",
			want:  []string{`x.cue:1:40: alert HighInferenceLatency: rate() over [1m] spans fewer than 4 scrapes (scrape interval 30s): use a window of at least 2m`},
		},
	})
}

// TestOddExpressions: every PromQL construct and odd templates go through
// the rules and provenance checks without a panic.
func TestOddExpressions(t *testing.T) {
	exprs := []string{
		`absent(nonexistent)`, `absent_over_time(up[5m])`, `count_values("x", up)`, `label_replace(up, "a", "b", "c", "d")`,
		`label_join(up, "a", ",", "b", "c")`, `histogram_quantile(0.9, x)`, `histogram_fraction(0, 1, x)`, `sort_by_label(up, "a")`,
		`vector(1) + on () group_left up`, `up @ start()`, `rate(up[5m] offset 1h)`, `-up`, `up > bool 1`,
		`{__name__=~"up|foo"}`, `{__name__="up", job="x"}`, `scalar(up) * 2`, `time() - up`, `timestamp(up)`,
		`predict_linear(up[1h], 3600)`, `quantile_over_time(0.9, up[5m])`, `up[5m:]`, `max_over_time(up[5m:])`,
		`topk(scalar(up), up)`, `count by () (up)`, `sum without () (up)`, `up unless on () vector(1)`, `(((up)))`,
		`round(up, 5)`, `clamp(up, 0, 1)`, `days_in_month()`, `pi()`, `up == on (job) group_right (instance) up`,
		`sum by (job) (rate({job="x"}[5m]))`, `1 + 2`, `"string"`, `up offset -5m`, `stddev_over_time(up[10m]) / deriv(up[10m])`,
		`ALERTS{alertstate="firing"}`, `node_load1 * on (instance) group_left (nodename) node_uname_info`,
	}
	var rules []string
	for i, e := range exprs {
		q, _ := json.Marshal(e)
		rules = append(rules, `{alert: "A`+strconv.Itoa(i)+`", expr: `+string(q)+`, annotations: {a: "{{ $labels.job }} {{ template \"x\" }}", b: "{{ define \"y\" }}{{ end }}{{ $labels }}", c: "{{ with $labels }}{{ .pod }}{{ end }}"}}`)
		rules = append(rules, `{record: "r:`+strconv.Itoa(i)+`", expr: `+string(q)+`}`)
	}
	var panels []string
	for _, e := range exprs {
		q, _ := json.Marshal(e + ` + $var * ${x:csv} + [[y]]`)
		panels = append(panels, `{title: "p", expr: `+string(q)+`}`)
	}
	extra := rule(rules...) + panel(panels...)
	for _, c := range []string{"rules/template", "rules/template-labels", "rules/duplicate", "rules/rate-window",
		"provenance/promql", "provenance/metric", "provenance/label"} {
		runCheck(t, c, "", extra)
	}
}
