package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

func loadFixture(t *testing.T) *Overlay {
	t.Helper()
	o, err := LoadOverlay(filepath.Join("testdata", "overlay"))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestLoadOverlay(t *testing.T) {
	o := loadFixture(t)
	var names, alerts []string
	for _, r := range o.Rules {
		names = append(names, r.File+":"+r.Metadata.Name)
		alerts = append(alerts, r.Alerts()...)
	}
	// Walk order, nested directories included; empty documents ignored.
	want := []string{"prometheus-rules/unselected.yaml:dataops-unselected", "prometheus-rules/workloads/web.yaml:dataops-workload-web"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"InferenceServiceDown"}, alerts); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	if got := o.KubeStateMetricsAllowlist(); got != "pods=[app.kubernetes.io/component],jobs=[*]" {
		t.Errorf("allowlist %q", got)
	}
	if diff := cmp.Diff([]string{"hooks"}, o.AlertmanagerSecrets()); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
	problems := o.RuleSelectionProblems("prometheus")
	if len(problems) != 1 || !strings.Contains(problems[0], "dataops-unselected lacks label release=\"prometheus\"") {
		t.Errorf("rule selection problems: %q", problems)
	}
}

func TestLoadOverlayErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOverlay(dir); err == nil {
		t.Error("empty dir accepted")
	}
	if err := os.MkdirAll(filepath.Join(dir, "prometheus-rules"), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := "apiVersion: monitoring.coreos.com/v1alpha1\nkind: PrometheusRule\n"
	if err := os.WriteFile(filepath.Join(dir, "prometheus-rules", "x.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOverlay(dir); err == nil || !strings.Contains(err.Error(), "want monitoring.coreos.com/v1 PrometheusRule") {
		t.Errorf("wrong apiVersion: %v", err)
	}
}

func TestPrometheusConfig(t *testing.T) {
	o := loadFixture(t)
	b, err := PrometheusConfig(o, PrometheusParams{
		APIServer:          "http://127.0.0.1:1234",
		Alertmanager:       "127.0.0.1:9093",
		RuleFiles:          []string{"/r/a.yaml"},
		ScrapeInterval:     "1s",
		EvaluationInterval: "1s",
		ExtraScrapeConfigs: []map[string]any{{"job_name": "kube-state-metrics", "honor_labels": true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Global        map[string]string `json:"global"`
		RuleFiles     []string          `json:"rule_files"`
		ScrapeConfigs []map[string]any  `json:"scrape_configs"`
		Alerting      any               `json:"alerting"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.ScrapeConfigs) != 2 {
		t.Fatalf("scrape configs: %v", cfg.ScrapeConfigs)
	}
	// The generated config is unchanged but for api_server.
	got := cfg.ScrapeConfigs[0]
	sds := got[SDConfigKey].([]any)
	if sds[0].(map[string]any)["api_server"] != "http://127.0.0.1:1234" {
		t.Errorf("api_server not set: %v", sds)
	}
	delete(sds[0].(map[string]any), "api_server")
	if diff := cmp.Diff(o.ScrapeConfigs[0], got); diff != "" {
		t.Errorf("generated scrape config changed (-generated +used):\n%s", diff)
	}
	if _, ok := o.ScrapeConfigs[0][SDConfigKey].([]any)[0].(map[string]any)["api_server"]; ok {
		t.Error("the overlay's config was modified in place")
	}
	if cfg.Global["evaluation_interval"] != "1s" || len(cfg.RuleFiles) != 1 {
		t.Errorf("global %v rule_files %v", cfg.Global, cfg.RuleFiles)
	}
	// A clash with a generated job is refused.
	if _, err := PrometheusConfig(o, PrometheusParams{ExtraScrapeConfigs: []map[string]any{{"job_name": "dataops/ml/web"}}}); err == nil {
		t.Error("job name clash accepted")
	}
}

func TestWriteRuleFiles(t *testing.T) {
	o := loadFixture(t)
	paths, err := WriteRuleFiles(o, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 {
		t.Fatalf("paths %v", paths)
	}
	b, err := os.ReadFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []map[string]any `json:"groups"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(o.Rules[1].Spec.Groups, f.Groups); diff != "" {
		t.Errorf("groups changed (-want +got):\n%s", diff)
	}
}

func TestAlertmanagerConfig(t *testing.T) {
	o := loadFixture(t)
	secrets := t.TempDir()
	if err := os.MkdirAll(filepath.Join(secrets, "hooks"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(secrets, "hooks", "url"), []byte("http://127.0.0.1:5001/hook\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, urlFile := range []bool{false, true} {
		b, notes, err := AlertmanagerConfig(o, AlertmanagerParams{SecretsDir: secrets, WebhookURLFile: urlFile, GroupWait: "1s", GroupInterval: "1s"})
		if err != nil {
			t.Fatal(err)
		}
		var cfg struct {
			Receivers []struct {
				Name           string           `json:"name"`
				WebhookConfigs []map[string]any `json:"webhook_configs"`
				SlackConfigs   []map[string]any `json:"slack_configs"`
			} `json:"receivers"`
			Route struct {
				GroupWait     string           `json:"group_wait"`
				GroupInterval string           `json:"group_interval"`
				Routes        []map[string]any `json:"routes"`
			} `json:"route"`
		}
		if err := yaml.Unmarshal(b, &cfg); err != nil {
			t.Fatal(err)
		}
		wh := cfg.Receivers[1].WebhookConfigs[0]
		if urlFile {
			if wh["url_file"] != filepath.Join(secrets, "hooks", "url") || wh["url"] != nil {
				t.Errorf("url_file kept: %v", wh)
			}
		} else if wh["url"] != "http://127.0.0.1:5001/hook" || wh["url_file"] != nil {
			t.Errorf("url_file → url: %v", wh)
		}
		sl := cfg.Receivers[1].SlackConfigs[0]
		if sl["api_url_file"] != filepath.Join(secrets, "hooks", "slack") {
			t.Errorf("slack api_url_file: %v", sl)
		}
		cred := sl["http_config"].(map[string]any)["authorization"].(map[string]any)["credentials_file"]
		if cred != filepath.Join(secrets, "hooks", "token") {
			t.Errorf("nested credentials_file: %v", cred)
		}
		if cfg.Route.GroupWait != "1s" || cfg.Route.GroupInterval != "1s" ||
			cfg.Route.Routes[0]["group_wait"] != "1s" || cfg.Route.Routes[1]["group_wait"] != nil {
			t.Errorf("route timings: %+v", cfg.Route)
		}
		if len(notes) != 3 {
			t.Errorf("notes: %q", notes)
		}
	}
	// A credential in a Secret the Alertmanager does not mount is refused.
	o.Values["alertmanager"].(map[string]any)["alertmanagerSpec"] = map[string]any{"secrets": []any{"other"}}
	if _, _, err := AlertmanagerConfig(o, AlertmanagerParams{SecretsDir: secrets}); err == nil || !strings.Contains(err.Error(), "does not mount") {
		t.Errorf("unmounted secret: %v", err)
	}
}

func TestAtLeast(t *testing.T) {
	for _, c := range []struct {
		v    [3]int
		want bool
	}{{[3]int{0, 25, 0}, false}, {[3]int{0, 26, 0}, true}, {[3]int{1, 0, 0}, true}} {
		if got := AtLeast(c.v, 0, 26); got != c.want {
			t.Errorf("AtLeast(%v, 0.26) = %v", c.v, got)
		}
	}
}

// The Flux layout (config/ and stack/ kustomizations) is found as well; a
// second values file is ambiguous.
func TestLoadOverlayNestedLayout(t *testing.T) {
	dir := t.TempDir()
	copyFile := func(from, to string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("testdata", "overlay", from))
		if err != nil {
			t.Fatal(err)
		}
		to = filepath.Join(dir, to)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("prometheus-rules/workloads/web.yaml", "config/prometheus-rules/workloads/web.yaml")
	copyFile("scrape/additional-scrape-configs.yaml", "stack/scrape/additional-scrape-configs.yaml")
	copyFile("values/kube-prometheus-stack.yaml", "stack/values/kube-prometheus-stack.yaml")
	if err := os.WriteFile(filepath.Join(dir, "stack", "kustomization.yaml"), []byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := LoadOverlay(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Rules) != 1 || o.ScrapeFile != "stack/scrape/additional-scrape-configs.yaml" || o.ValuesFile != "stack/values/kube-prometheus-stack.yaml" {
		t.Errorf("found %d rules, %s, %s", len(o.Rules), o.ScrapeFile, o.ValuesFile)
	}
	copyFile("values/kube-prometheus-stack.yaml", "staging/values/kube-prometheus-stack.yaml")
	if _, err := LoadOverlay(dir); err == nil || !strings.Contains(err.Error(), "2 files named kube-prometheus-stack.yaml") {
		t.Errorf("two values files: %v", err)
	}
}
