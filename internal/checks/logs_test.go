package checks_test

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
)

const (
	famPromtailFile = "logs/promtail.yaml"
	famAlloyFile    = "logs/config.alloy"
)

// famPromtailEdit edits the Promtail config and the copy in its values.
func famPromtailEdit(old, new string) func(t *testing.T, in *checks.Input) *checks.Input {
	return func(t *testing.T, in *checks.Input) *checks.Input {
		in = famEdit(t, in, famPromtailFile, old, new)
		cfg := famFile(t, in, famPromtailFile).Data
		return famEditFunc(t, in, "values/promtail.yaml", func(b []byte) []byte {
			var v map[string]any
			if err := yaml.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			v["config"].(map[string]any)["file"] = string(cfg)
			out, err := yaml.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			return out
		})
	}
}

func TestLogsPromtailDecode(t *testing.T) {
	famRunCases(t, "logs/promtail-decode", famPromtail, []famCase{
		{name: "generated"},
		{
			name: "unknown relabel action",
			edit: famPromtailEdit("- action: keep\n    regex: ml", "- action: kep\n    regex: ml"),
			want: []string{`spec.cue:53:8: logs/promtail-decode: Promtail would refuse the generated config: unknown relabel action "kep"`},
		},
		{
			name: "bad relabel regex",
			edit: famPromtailEdit("regex: Pending|Unknown", "regex: Pending|(Unknown"),
			want: []string{"Promtail would refuse the generated config: error parsing regexp: missing closing ): `^(?s:Pending|(Unknown)$`"},
		},
		{
			name: "unknown field",
			edit: famPromtailEdit("  kubernetes_sd_configs:\n", "  kubernetes_sd_config:\n"),
			want: []string{"Promtail would refuse the generated config: line 7: field kubernetes_sd_config not found; line 71: field kubernetes_sd_config not found"},
		},
		{
			name: "bad discovery role",
			edit: famPromtailEdit("role: pod", "role: pods"),
			want: []string{`unknown Kubernetes SD role "pods"`},
		},
		{
			name: "replace without target",
			edit: famPromtailEdit("    target_label: namespace\n", ""),
			want: []string{
				`spec.cue:13:3: logs/promtail-decode: scrape_configs[1] (job "dataops/ml/trainer"): relabel_configs[4]: relabel configuration for replace action requires 'target_label' value`,
				`spec.cue:19:3: logs/promtail-decode: scrape_configs[0] (job "dataops/ml/resnet"): relabel_configs[4]`,
			},
		},
		{
			name: "no __path__",
			edit: famPromtailEdit("target_label: __path__", "target_label: __file__"),
			want: []string{`spec.cue:13:3: logs/promtail-decode: scrape_configs[1] (job "dataops/ml/trainer"): no relabel rule sets __path__: Promtail tails no file`, `spec.cue:19:3: logs/promtail-decode: scrape_configs[0] (job "dataops/ml/resnet"): no relabel rule sets __path__`},
		},
		{
			name: "duplicate job",
			edit: famPromtailEdit("job_name: dataops/ml/trainer", "job_name: dataops/ml/resnet"),
			want: []string{`scrape_configs[1] (job "dataops/ml/resnet"): job_name is used twice`},
		},
		{
			name: "unknown stage",
			edit: famPromtailEdit("  - cri: {}\n  - labeldrop:\n    - filename\n  - drop:\n      drop_counter_reason: dataops_drop\n      expression: GET /healthz",
				"  - crio: {}\n  - labeldrop:\n    - filename\n  - drop:\n      drop_counter_reason: dataops_drop\n      expression: GET /healthz"),
			want: []string{`scrape_configs[0] (job "dataops/ml/resnet"): pipeline_stages[0] (crio): unknown stage`},
		},
		{
			name: "bad drop expression",
			edit: famPromtailEdit("expression: GET /healthz", "expression: GET /healthz("),
			want: []string{"pipeline_stages[2] (drop): expression does not compile: error parsing regexp: missing closing ): `GET /healthz(`"},
		},
		{
			name: "bad match selector",
			edit: famPromtailEdit(`selector: '{workload="resnet"} !~`, `selector: '{workload=~"resnet("} !~`),
			want: []string{"pipeline_stages[4] (match): selector"},
		},
		{
			name: "no client",
			edit: famPromtailEdit("clients:\n- url: http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push\n", "clients:\n- url: loki\n"),
			want: []string{`clients[0]: url "loki" is not an absolute URL`},
		},
		{
			name: "values differ",
			edit: famEditCase(famPromtailFile, "job_name: dataops/ml/trainer", "job_name: dataops/ml/training"),
			want: []string{"config.file in the Promtail values is not the generated Promtail config"},
		},
	})
	// Alloy specs have no Promtail config.
	famWant(t, famRun(t, "logs/promtail-decode", famInput(t, famBase)))
}

// famBadRegexInput is an Input whose spec has invalid filter regexes, with
// the files generated from the same spec with those filters removed (the
// logs generator refuses invalid regexes).
func famBadRegexInput(t *testing.T, src string) *checks.Input {
	t.Helper()
	s := famSpec(t, src)
	saved := map[string][2][]string{}
	for _, w := range s.Workloads {
		saved[w.Name] = [2][]string{w.Logs.Drop, w.Logs.Keep}
		w.Logs.Drop = slices.DeleteFunc(slices.Clone(w.Logs.Drop), func(re string) bool { return strings.Contains(re, "(?!") || strings.HasSuffix(re, "[") })
		w.Logs.Keep = slices.DeleteFunc(slices.Clone(w.Logs.Keep), func(re string) bool { return strings.Contains(re, "(?!") || strings.HasSuffix(re, "[") })
	}
	files, err := build.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range s.Workloads {
		w.Logs.Drop, w.Logs.Keep = saved[w.Name][0], saved[w.Name][1]
	}
	return &checks.Input{Spec: s, Files: files}
}

func TestLogsFilterRegex(t *testing.T) {
	for _, kind := range []string{"alloy", "promtail"} {
		t.Run(kind, func(t *testing.T) {
			base := famBase + "stack: logCollector: kind: \"" + kind + "\"\n"
			famWant(t, famRun(t, "logs/filter-regex", famInput(t, base)))

			bad := strings.Replace(base, `drop: ["GET /healthz", "GET /metrics"]
			keep: ["level=(warn|error)"]`, `drop: ["GET /healthz", "GET /metrics", "foo(?!bar)"]
			keep: ["level=(warn|error)", "ERROR["]`, 1)
			famWant(t, famRun(t, "logs/filter-regex", famBadRegexInput(t, bad)),
				"spec.cue:20:43: logs/filter-regex: workloads.resnet.logs.drop.2: \"foo(?!bar)\" is not a valid RE2 regex (the log collectors compile filters with Go's regexp): invalid or unsupported Perl syntax: `(?!`",
				"spec.cue:21:33: logs/filter-regex: workloads.resnet.logs.keep.1: \"ERROR[\" is not a valid RE2 regex (the log collectors compile filters with Go's regexp): missing closing ]: `[`",
			)

			// A filter lost on the way to the collector config.
			file := famAlloyFile
			old := "\tstage.drop {\n\t\texpression          = \"GET /metrics\"\n\t\tdrop_counter_reason = \"dataops_drop\"\n\t}\n"
			if kind == "promtail" {
				file, old = famPromtailFile, "  - drop:\n      drop_counter_reason: dataops_drop\n      expression: GET /metrics\n"
			}
			famWant(t, famRun(t, "logs/filter-regex", famEdit(t, famInput(t, base), file, old, "")),
				`spec.cue:20:27: logs/filter-regex: workloads.resnet.logs.drop.1: no drop stage of the workload's pipeline applies "GET /metrics"`)
		})
	}
}

func TestLogsLogQLLabels(t *testing.T) {
	panels := `
extraPanels: [{
	title: "ok", datasource: "loki", type: "logs"
	expr: "{namespace=~\"$namespace\", pod=~\"${pod}\", container!=\"\", workload=\"resnet\", cluster=\"ml-prod\", stream=\"stderr\"} |= \"a{b}\" | line_format \"{{.x}}\""
}, {
	title: "metric", datasource: "loki"
	expr: "sum by (pod) (count_over_time({service_name=\"app\"} |~ \"err\" [$__auto])) / sum(rate({namespace=\"ml\"}[5m]))"
}, {
	title: "seed", datasource: "loki", type: "logs"
	expr: "{app=\"x\"}"
}, {
	title: "file", datasource: "loki", type: "logs"
	expr: "{namespace=\"ml\", filename=~\".+\"}"
}, {
	title: "prom", expr: "up{app=\"x\"}"
}]
`
	for _, kind := range []string{"alloy", "promtail"} {
		t.Run(kind, func(t *testing.T) {
			in := famInput(t, famBase+"stack: logCollector: kind: \""+kind+"\"\n"+panels)
			famWant(t, famRun(t, "logs/logql-labels", in),
				`spec.cue:62:2: logs/logql-labels: panel "seed": stream selector {app="x"} filters on label "app", which the log collector does not attach (streams carry: cluster, container, namespace, pod, service_name, stream, workload): the query matches nothing`,
				`spec.cue:65:2: logs/logql-labels: panel "file": stream selector {namespace="ml", filename=~".+"} filters on label "filename"`,
			)
		})
	}
	// The generated Logs panel, if it filtered on a label no stream has.
	in := famEdit(t, famInput(t, famBase), famDash, `"expr": "{namespace=~\"$namespace\", pod=~\"$pod\"}"`, `"expr": "{namespace=~\"$namespace\", app=~\"$pod\"}"`)
	famWant(t, famRun(t, "logs/logql-labels", in), `spec.cue:7:1: logs/logql-labels: panel "Logs": stream selector {namespace=~"$namespace", app=~"$pod"} filters on label "app"`)
	// Without extra labels, cluster is not attached; without collected logs nothing is.
	in = famEdit(t, famInput(t, famBase+panels), famAlloyFile, "target_label = \"cluster\"", "target_label = \"__cluster\"")
	got := famRun(t, "logs/logql-labels", in)
	if len(got) != 3 || !strings.Contains(got[0].Message, `"ok"`) || !strings.Contains(got[0].Message, `label "cluster"`) {
		t.Errorf("cluster not attached: got\n%s", famText(got))
	}
	in = famInput(t, famBase+panels+"\nworkloads: [string]: logs: enabled: false\n")
	got = famRun(t, "logs/logql-labels", in)
	if len(got) == 0 || !strings.Contains(got[0].Message, "streams carry: none: no workload's logs are collected") {
		t.Errorf("nothing collected: got\n%s", famText(got))
	}
}
