package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// PrometheusParams are the test's side of prometheus.yml.
type PrometheusParams struct {
	// APIServer is the fake Kubernetes API URL put in every
	// kubernetes_sd_configs entry.
	APIServer string
	// Alertmanager is host:port of the Alertmanager alerts are sent to.
	Alertmanager string
	// RuleFiles are the rule files to load.
	RuleFiles []string
	// ScrapeInterval and EvaluationInterval are the global intervals.
	ScrapeInterval, EvaluationInterval string
	// ExtraScrapeConfigs are appended after the generated ones (e.g. the
	// stand-in kube-state-metrics).
	ExtraScrapeConfigs []map[string]any
}

// SDConfigKey is the key of the discovery configs the harness rewrites.
const SDConfigKey = "kubernetes_sd_configs"

// PrometheusConfig is prometheus.yml: the generated scrape configs unchanged
// except that every kubernetes_sd_configs entry gets api_server (plain HTTP,
// no credentials: none are needed by the fake API), plus the test's rule
// files, Alertmanager and extra scrape configs.
func PrometheusConfig(o *Overlay, p PrometheusParams) ([]byte, error) {
	var scrape []any
	seen := map[string]bool{}
	for i, sc := range o.ScrapeConfigs {
		c := deepCopy(sc).(map[string]any)
		name, _ := c["job_name"].(string)
		if name == "" {
			return nil, fmt.Errorf("scrape config %d has no job_name", i)
		}
		seen[name] = true
		if sds, ok := c[SDConfigKey].([]any); ok {
			for j, sd := range sds {
				m, ok := sd.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("scrape config %s: %s[%d] is %T", name, SDConfigKey, j, sd)
				}
				if _, has := m["api_server"]; has {
					return nil, fmt.Errorf("scrape config %s: %s[%d] already sets api_server (in-cluster discovery is expected)", name, SDConfigKey, j)
				}
				m["api_server"] = p.APIServer
			}
		}
		scrape = append(scrape, c)
	}
	for _, c := range p.ExtraScrapeConfigs {
		if name, _ := c["job_name"].(string); seen[name] {
			return nil, fmt.Errorf("extra scrape config %s clashes with a generated job", name)
		}
		scrape = append(scrape, c)
	}
	cfg := map[string]any{
		"global": map[string]any{
			"scrape_interval":     p.ScrapeInterval,
			"scrape_timeout":      p.ScrapeInterval,
			"evaluation_interval": p.EvaluationInterval,
		},
		"rule_files": p.RuleFiles,
		"alerting": map[string]any{
			"alertmanagers": []any{map[string]any{
				"api_version":    "v2",
				"static_configs": []any{map[string]any{"targets": []any{p.Alertmanager}}},
			}},
		},
		"scrape_configs": scrape,
	}
	return yaml.Marshal(cfg)
}

// WriteRuleFiles writes each PrometheusRule's spec.groups, unchanged, as a
// Prometheus rule file under dir, and returns the paths.
func WriteRuleFiles(o *Overlay, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for i, r := range o.Rules {
		name := r.Metadata.Name
		if name == "" {
			name = fmt.Sprintf("rule-%d", i)
		}
		b, err := yaml.Marshal(map[string]any{"groups": r.Spec.Groups})
		if err != nil {
			return nil, err
		}
		p := filepath.Join(dir, fmt.Sprintf("%02d-%s.yaml", i, name))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// SecretsMount is where the Prometheus operator mounts the Secrets listed in
// alertmanagerSpec.secrets.
const SecretsMount = "/etc/alertmanager/secrets/"

// AlertmanagerParams are the test's side of the Alertmanager config.
type AlertmanagerParams struct {
	// SecretsDir holds <secret>/<key> files, standing for SecretsMount.
	SecretsDir string
	// WebhookURLFile: the Alertmanager supports webhook_configs url_file
	// (0.26 and later). When false, url_file is replaced by url with the
	// file's content.
	WebhookURLFile bool
	// GroupWait and GroupInterval replace the routes' values ("" keeps them).
	GroupWait, GroupInterval string
}

// AlertmanagerConfig is the generated alertmanager.config with every
// credential file under SecretsMount pointed at p.SecretsDir (each must be a
// Secret that alertmanagerSpec.secrets mounts), and the routes' group_wait
// and group_interval shortened. It returns notes on what was rewritten.
func AlertmanagerConfig(o *Overlay, p AlertmanagerParams) ([]byte, []string, error) {
	cfg, err := o.AlertmanagerConfig()
	if err != nil {
		return nil, nil, err
	}
	mounted := o.AlertmanagerSecrets()
	var notes []string
	receivers, _ := cfg["receivers"].([]any)
	for _, r := range receivers {
		rm, _ := r.(map[string]any)
		rname, _ := rm["name"].(string)
		for kind, v := range rm {
			if !strings.HasSuffix(kind, "_configs") {
				continue
			}
			list, _ := v.([]any)
			for _, c := range list {
				cm, ok := c.(map[string]any)
				if !ok {
					continue
				}
				if err := rewriteFiles(cm, rname, kind, mounted, p, &notes); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	if route, ok := cfg["route"].(map[string]any); ok {
		shortenRoute(route, p, true)
	} else {
		return nil, nil, fmt.Errorf("alertmanager.config has no route")
	}
	slices.Sort(notes)
	b, err := yaml.Marshal(cfg)
	return b, notes, err
}

func rewriteFiles(m map[string]any, receiver, kind string, mounted []string, p AlertmanagerParams, notes *[]string) error {
	for k, v := range m {
		switch v := v.(type) {
		case map[string]any:
			if err := rewriteFiles(v, receiver, kind, mounted, p, notes); err != nil {
				return err
			}
			continue
		case string:
			if !strings.HasSuffix(k, "_file") || !strings.HasPrefix(v, SecretsMount) {
				continue
			}
			rest := strings.TrimPrefix(v, SecretsMount)
			secret, key, ok := strings.Cut(rest, "/")
			if !ok || key == "" || strings.Contains(key, "/") {
				return fmt.Errorf("receiver %s %s: %s %q is not %s<secret>/<key>", receiver, kind, k, v, SecretsMount)
			}
			if !slices.Contains(mounted, secret) {
				return fmt.Errorf("receiver %s %s: %s reads Secret %q, which alertmanager.alertmanagerSpec.secrets %v does not mount", receiver, kind, k, secret, mounted)
			}
			local := filepath.Join(p.SecretsDir, secret, key)
			if kind == "webhook_configs" && k == "url_file" && !p.WebhookURLFile {
				b, err := os.ReadFile(local)
				if err != nil {
					return fmt.Errorf("receiver %s: %w", receiver, err)
				}
				delete(m, k)
				m["url"] = strings.TrimSpace(string(b))
				*notes = append(*notes, fmt.Sprintf("receiver %s: webhook url_file %s replaced by url (this Alertmanager predates url_file, 0.26)", receiver, v))
				continue
			}
			m[k] = local
			*notes = append(*notes, fmt.Sprintf("receiver %s: %s %s → %s", receiver, k, v, local))
		}
	}
	return nil
}

func shortenRoute(r map[string]any, p AlertmanagerParams, root bool) {
	if p.GroupWait != "" {
		if _, ok := r["group_wait"]; ok || root {
			r["group_wait"] = p.GroupWait
		}
	}
	if p.GroupInterval != "" {
		if _, ok := r["group_interval"]; ok || root {
			r["group_interval"] = p.GroupInterval
		}
	}
	routes, _ := r["routes"].([]any)
	for _, sub := range routes {
		if m, ok := sub.(map[string]any); ok {
			shortenRoute(m, p, false)
		}
	}
}
