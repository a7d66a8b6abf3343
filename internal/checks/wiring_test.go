package checks_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// The wiring checks cannot fail on a correct generator: each case mutates
// the generated files the way a generator bug would, to prove the check
// catches it.

const (
	famValues   = "values/kube-prometheus-stack.yaml"
	famScrape   = "scrape/additional-scrape-configs.yaml"
	famDash     = "dashboards/dataops-overview.json"
	famRuleFile = "prometheus-rules/workloads/ml.yaml"
)

// famLayerOf returns the suffix of the kustomization that lists a file.
func famLayerOf(t *testing.T, in *checks.Input, needle string) string {
	t.Helper()
	for _, f := range in.Files {
		if strings.HasSuffix(f.Path, "kustomization.yaml") && bytes.Contains(f.Data, []byte(needle)) {
			return f.Path
		}
	}
	t.Fatalf("no kustomization mentions %q", needle)
	return ""
}

type famCase struct {
	name string
	edit func(t *testing.T, in *checks.Input) *checks.Input
	want []string
}

func famEditCase(suffix, old, new string) func(t *testing.T, in *checks.Input) *checks.Input {
	return func(t *testing.T, in *checks.Input) *checks.Input { return famEdit(t, in, suffix, old, new) }
}

func famRunCases(t *testing.T, check, spec string, cases []famCase) {
	t.Helper()
	base := famInput(t, spec)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base
			if c.edit != nil {
				in = c.edit(t, base)
			}
			famWant(t, famRun(t, check, in), c.want...)
		})
	}
}

func TestWiringRuleSelector(t *testing.T) {
	famRunCases(t, "wiring/rule-selector", famBase, []famCase{
		{name: "generated"},
		{
			name: "rule label differs",
			edit: famEditCase(famRuleFile, "release: prometheus", "release: kube-prometheus"),
			want: []string{`spec.cue:4:14: wiring/rule-selector: PrometheusRule dataops-workloads-ml has labels {app.kubernetes.io/managed-by=dataopsgen,release=kube-prometheus}, which the generated ruleSelector release=prometheus does not match`},
		},
		{
			name: "selector differs",
			edit: famEditCase(famValues, "      matchLabels:\n        release: prometheus", "      matchLabels:\n        release: other"),
			want: []string{"dataops-workloads-ml has labels"},
		},
		{
			name: "chart default selector",
			edit: famEditCase(famValues, "    ruleSelectorNilUsesHelmValues: false\n", ""),
			want: nil, // ruleSelector is set: it wins
		},
		{
			name: "nil selector uses the release label",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				in = famEdit(t, in, famValues, "    ruleSelectorNilUsesHelmValues: false\n", "")
				in = famEdit(t, in, famValues, "    ruleSelector:\n      matchLabels:\n        release: prometheus\n", "")
				return famEdit(t, in, famRuleFile, "release: prometheus", "release: x")
			},
			want: []string{"does not match: Prometheus would never load its rules"},
		},
		{
			name: "namespace selector",
			edit: famEditCase(famValues, "ruleNamespaceSelector: {}", "ruleNamespaceSelector:\n      matchLabels:\n        monitoring: \"true\""),
			want: []string{"PrometheusRule dataops-workloads-ml is in namespace monitoring, which the generated ruleNamespaceSelector monitoring=true does not admit"},
		},
		{
			name: "namespace selector by name",
			edit: famEditCase(famValues, "ruleNamespaceSelector: {}", "ruleNamespaceSelector:\n      matchLabels:\n        kubernetes.io/metadata.name: monitoring"),
		},
		{
			name: "not listed",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "workloads/ml.yaml"), "- prometheus-rules/workloads/ml.yaml\n", "")
			},
			want: []string{"wiring/rule-selector: PrometheusRule dataops-workloads-ml is in no kustomization's resources"},
		},
	})
}

func TestWiringScrapeSecret(t *testing.T) {
	famRunCases(t, "wiring/scrape-secret", famBase, []famCase{
		{name: "generated"},
		{
			name: "inline too",
			edit: famEditCase(famValues, "    additionalScrapeConfigsSecret:", "    additionalScrapeConfigs:\n    - job_name: x\n    additionalScrapeConfigsSecret:"),
			want: []string{"the values set both additionalScrapeConfigs (inline) and additionalScrapeConfigsSecret"},
		},
		{
			name: "disabled",
			edit: famEditCase(famValues, "      enabled: true\n      key: additional", "      enabled: false\n      key: additional"),
			want: []string{"additionalScrapeConfigsSecret is not enabled"},
		},
		{
			name: "wrong key",
			edit: famEditCase(famValues, "key: additional-scrape-configs.yaml", "key: scrape.yaml"),
			want: []string{"reads key scrape.yaml of Secret dataops-additional-scrape-configs, which has keys [additional-scrape-configs.yaml]"},
		},
		{
			name: "wrong name",
			edit: famEditCase(famValues, "name: dataops-additional-scrape-configs", "name: scrape-configs"),
			want: []string{"names Secret scrape-configs, which no kustomization secretGenerator makes"},
		},
		{
			name: "hash suffix",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				k := famLayerOf(t, in, "name: dataops-additional-scrape-configs")
				return famEdit(t, in, k, "  name: dataops-additional-scrape-configs\n  options:\n    disableNameSuffixHash: true\n", "  name: dataops-additional-scrape-configs\n")
			},
			want: []string{"gets a content-hash name suffix"},
		},
		{
			name: "other namespace",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "name: dataops-additional-scrape-configs"), "namespace: monitoring", "namespace: default")
			},
			want: []string{`is generated in namespace "default", but Prometheus runs in "monitoring"`},
		},
	})
}

func TestWiringDashboardSidecar(t *testing.T) {
	famRunCases(t, "wiring/dashboard-sidecar", famBase, []famCase{
		{name: "generated"},
		{
			name: "label value",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "grafana_dashboard"), `grafana_dashboard: "1"`, `grafana_dashboard: "true"`)
			},
			want: []string{`dashboard ConfigMap dashboard-dataops-overview has grafana_dashboard="true", but the Grafana sidecar loads only ConfigMaps labelled grafana_dashboard="1"`},
		},
		{
			name: "no label",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "grafana_dashboard"), "    labels:\n      grafana_dashboard: \"1\"\n", "")
			},
			want: []string{"has no such label"},
		},
		{
			name: "sidecar label",
			edit: famEditCase(famValues, "label: grafana_dashboard", "label: dashboard"),
			want: []string{`loads only ConfigMaps labelled dashboard="1"`},
		},
		{
			name: "folder",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "grafana_folder"), "grafana_folder: DataOps", "grafana_folder: Other")
			},
			want: []string{`folder annotation grafana_folder="Other", want the spec's folder "DataOps"`},
		},
		{
			name: "no folder annotation in values",
			edit: famEditCase(famValues, "      folderAnnotation: grafana_folder\n", ""),
			want: []string{"the values set no sidecar folderAnnotation"},
		},
		{
			name: "search namespace",
			edit: famEditCase(famValues, "searchNamespace: monitoring", "searchNamespace: grafana"),
			want: []string{`is in namespace "monitoring", which the sidecar (searchNamespace grafana) does not search`},
		},
		{
			name: "search all",
			edit: famEditCase(famValues, "searchNamespace: monitoring", "searchNamespace: ALL"),
		},
		{
			name: "disabled",
			edit: famEditCase(famValues, "    dashboards:\n      enabled: true", "    dashboards:\n      enabled: false"),
			want: []string{"the values disable the Grafana dashboard sidecar"},
		},
		{
			name: "too big",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEditFunc(t, in, famDash, func(b []byte) []byte {
					return bytes.Replace(b, []byte(`"description": "`), []byte(`"description": "`+strings.Repeat("x", 1<<20)), 1)
				})
			},
			want: []string{"spec.cue:7:1: wiring/dashboard-sidecar: dashboard ConfigMap dashboard-dataops-overview would be 1080783 bytes, over Kubernetes' 1 MiB (1048576 bytes) limit"},
		},
		{
			name: "not generated",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEdit(t, in, famLayerOf(t, in, "grafana_dashboard"), "dataops-overview.json=dashboards/dataops-overview.json", "x.json=dashboards/x.json")
			},
			want: []string{"is in no configMapGenerator: the sidecar never sees it"},
		},
	})
}

func TestWiringDatasource(t *testing.T) {
	famRunCases(t, "wiring/datasource", famBase, []famCase{
		{name: "generated"},
		{
			name: "unknown uid",
			edit: famEditCase(famDash, `"uid": "loki"`, `"uid": "loki-logs"`),
			want: []string{`spec.cue:7:1: wiring/datasource: panel "Logs" query A uses datasource uid "loki-logs", which Grafana is not provisioned with (provisioned: prometheus, alertmanager, loki)`, `panel "Logs" uses datasource uid "loki-logs"`},
		},
		{
			name: "type mismatch",
			edit: famEditCase(famDash, `"type": "loki",`, `"type": "prometheus",`),
			want: []string{`panel "Logs" query A uses datasource uid "loki" as type "prometheus", but it is provisioned as type "loki"`, `panel "Logs" uses datasource uid "loki" as type "prometheus"`},
		},
		{
			name: "loki not provisioned",
			edit: famEditCase(famValues, "uid: loki", "uid: loki-ds"),
			want: []string{`panel "Logs" query A uses datasource uid "loki"`, `panel "Logs" uses datasource uid "loki"`},
		},
		{
			name: "legacy name",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEditJSON(t, in, famDash, func(d map[string]any) {
					p := famPanel(t, d, "Logs")
					p["datasource"] = "Loki"
					p["targets"].([]any)[0].(map[string]any)["datasource"] = nil
				})
			},
		},
		{
			name: "builtin",
			edit: func(t *testing.T, in *checks.Input) *checks.Input {
				return famEditJSON(t, in, famDash, func(d map[string]any) {
					d["annotations"] = map[string]any{"list": []any{map[string]any{"name": "Annotations & Alerts",
						"datasource": map[string]any{"type": "grafana", "uid": "-- Grafana --"}}}}
				})
			},
		},
		{
			name: "datasource variable",
			edit: famEditCase(famDash, `"uid": "loki"`, `"uid": "${logs}"`),
			want: []string{`panel "Logs" query A uses datasource ${logs}, which is not a datasource variable of the dashboard`, `panel "Logs" uses datasource ${logs}`},
		},
	})
	// A datasource the schema cannot express (it allows "prometheus" and
	// "loki"): an extra panel's datasource rewritten in the dashboard.
	in := famInput(t, famBase+`
extraPanels: [{title: "GPU temp", expr: "DCGM_FI_DEV_GPU_TEMP"}]
`)
	in = famEditJSON(t, in, famDash, func(d map[string]any) {
		p := famPanel(t, d, "GPU temp")
		ref := map[string]any{"type": "prometheus", "uid": "thanos"}
		p["datasource"] = ref
		p["targets"].([]any)[0].(map[string]any)["datasource"] = ref
	})
	famWant(t, famRun(t, "wiring/datasource", in),
		`spec.cue:53:15: wiring/datasource: panel "GPU temp" query A uses datasource uid "thanos"`,
		`spec.cue:53:15: wiring/datasource: panel "GPU temp" uses datasource uid "thanos"`)
}

func TestWiringDashboardVariables(t *testing.T) {
	famRunCases(t, "wiring/dashboard-variables", famBase+`
extraPanels: [{
	title: "ok"
	expr: "sum by (pod) (rate(x{namespace=~\"${namespace:regex}\", pod=~\"[[pod]]\"}[$__rate_interval])) / $__range_s + label_replace(y, \"a\", \"$1\", \"b\", \"(.*)\")"
}, {
	title: "bad"
	expr: "up{cluster=\"$cluster\", namespace=~\"$namespace\"}"
}, {
	title: "bad builtin"
	datasource: "loki"
	expr: "{namespace=\"ml\"} |= \"$__interval_typo\""
}]
`, []famCase{
		{
			name: "spec",
			want: []string{
				`spec.cue:58:2: wiring/dashboard-variables: panel "bad" uses $cluster, which the dashboard does not define (variables: $namespace, $workload, $pod): Grafana sends it as literal text`,
				`spec.cue:62:2: wiring/dashboard-variables: panel "bad builtin" uses $__interval_typo, which is not a Grafana built-in variable`,
			},
		},
		{
			name: "variable query",
			edit: famEditCase(famDash, `"query": "label_values(up{namespace=~\"$namespace\", workload=~\"$workload\"}, pod)"`,
				`"query": "label_values(up{namespace=~\"$ns\", workload=~\"$workload\"}, pod)"`),
			want: []string{`spec.cue:7:1: wiring/dashboard-variables: variable "pod" uses $ns, which the dashboard does not define`, "$cluster", "$__interval_typo"},
		},
		{
			name: "self reference",
			edit: famEditCase(famDash, `"query": "label_values(up{namespace=~\"$namespace\", workload=~\"$workload\"}, pod)"`,
				`"query": "label_values(up{pod=~\"$pod\"}, pod)"`),
			want: []string{`variable "pod" refers to itself in its query`, "$cluster", "$__interval_typo"},
		},
	})
}
