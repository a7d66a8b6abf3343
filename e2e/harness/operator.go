package harness

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// What the prometheus-operator generates, and where a pod mounts it
// (github.com/prometheus-operator/prometheus-operator pkg/prometheus/common.go:
// ConfigFilename, RulesDir; pkg/operator/rules.go: "<prefix>-rulefiles-<i>";
// pkg/alertmanager/statefulset.go: alertmanagerConfigFileCompressed,
// "<prefix>-generated").
const (
	PrometheusConfigKey   = "prometheus.yaml.gz"
	PrometheusRulesMount  = "/etc/prometheus/rules/"
	AlertmanagerConfigKey = "alertmanager.yaml.gz"
	AlertmanagerConfigDir = "/etc/alertmanager/config/"
	// SecretsMount is where the operator mounts the Secrets an Alertmanager
	// lists in spec.secrets (one directory each).
	SecretsMount = "/etc/alertmanager/secrets/"
	// ServiceAccountMount is where the kubelet mounts a pod's token and the
	// cluster's CA.
	ServiceAccountMount = "/var/run/secrets/kubernetes.io/serviceaccount/"
)

// PrometheusOutput is what the operator generated for a Prometheus object:
// the config Secret, the rule ConfigMaps and the StatefulSet.
type PrometheusOutput struct {
	Namespace, Name string
	// Config is prometheus.yaml as the operator wrote it (gunzipped).
	Config []byte
	// RuleFiles are the rule ConfigMaps: name → key → file.
	RuleFiles map[string]map[string]string
	// StatefulSet is the operator's prometheus-<name>.
	StatefulSet *appsv1.StatefulSet
}

// ReadPrometheusOutput reads what the operator generated for the Prometheus
// namespace/name; an error when some of it is not there (yet).
func ReadPrometheusOutput(ctx context.Context, k *Kube, namespace, name string) (*PrometheusOutput, error) {
	o := &PrometheusOutput{Namespace: namespace, Name: name, RuleFiles: map[string]map[string]string{}}
	prefixed := "prometheus-" + name
	var sec corev1.Secret
	if err := k.Get(ctx, Secrets, namespace, prefixed, &sec); err != nil {
		return nil, err
	}
	gz, ok := sec.Data[PrometheusConfigKey]
	if !ok {
		return nil, fmt.Errorf("Secret %s/%s has no %s", namespace, prefixed, PrometheusConfigKey)
	}
	var err error
	if o.Config, err = gunzip(gz); err != nil {
		return nil, fmt.Errorf("Secret %s/%s %s: %w", namespace, prefixed, PrometheusConfigKey, err)
	}
	var cms corev1.ConfigMapList
	if err := k.List(ctx, ConfigMaps, namespace, "managed-by=prometheus-operator,prometheus-name="+name, &cms); err != nil {
		return nil, err
	}
	for _, cm := range cms.Items {
		o.RuleFiles[cm.Name] = cm.Data
	}
	o.StatefulSet = &appsv1.StatefulSet{}
	if err := k.Get(ctx, StatefulSets, namespace, prefixed, o.StatefulSet); err != nil {
		return nil, err
	}
	return o, nil
}

// RuleGroups returns the names of the groups in the rule files.
func (o *PrometheusOutput) RuleGroups() ([]string, error) {
	var out []string
	for cm, files := range o.RuleFiles {
		for key, f := range files {
			var doc struct {
				Groups []struct {
					Name string `json:"name"`
				} `json:"groups"`
			}
			if err := yaml.Unmarshal([]byte(f), &doc); err != nil {
				return nil, fmt.Errorf("ConfigMap %s key %s: %w", cm, key, err)
			}
			for _, g := range doc.Groups {
				out = append(out, g.Name)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// ScrapeJobs returns the job names of the config's scrape_configs.
func (o *PrometheusOutput) ScrapeJobs() ([]string, error) {
	var cfg struct {
		ScrapeConfigs []struct {
			JobName string `json:"job_name"`
		} `json:"scrape_configs"`
	}
	if err := yaml.Unmarshal(o.Config, &cfg); err != nil {
		return nil, err
	}
	var out []string
	for _, s := range cfg.ScrapeConfigs {
		out = append(out, s.JobName)
	}
	return out, nil
}

// WriteRuleFiles writes every rule ConfigMap key to dir/<configmap>/<key>,
// as the pod mounts them under PrometheusRulesMount.
func (o *PrometheusOutput) WriteRuleFiles(dir string) error {
	for cm, files := range o.RuleFiles {
		if err := writeFiles(filepath.Join(dir, cm), files); err != nil {
			return err
		}
	}
	return nil
}

// PodStandIn is what a kubelet would give the pod of a StatefulSet or
// Deployment, and what the harness provides instead.
type PodStandIn struct {
	// Name, Namespace, NodeName and IP are the pod's (for fieldRef env
	// values: metadata.name, metadata.namespace, spec.nodeName,
	// status.podIP).
	Name, Namespace, NodeName, IP string
	// Kubeconfig replaces in-cluster Kubernetes discovery.
	Kubeconfig string
	// ServiceAccountDir holds token, ca.crt and namespace, standing for
	// ServiceAccountMount.
	ServiceAccountDir string
}

// RuntimeConfig turns the operator's prometheus.yaml into the file the e2e
// Prometheus runs. It changes only what needs a kubelet, and says what in
// the returned rewrites:
//   - $(VAR) references are expanded from the config-reloader container's
//     env, as prometheus-config-reloader does (POD_NAME from the pod name,
//     SHARD, ...);
//   - rule_files under PrometheusRulesMount point at rulesDir (WriteRuleFiles);
//   - every kubernetes_sd_configs entry gets kubeconfig_file (in-cluster
//     discovery reads the pod's mounted token);
//   - an entry of role endpoints whose namespaces hold one of endpoints
//     becomes static_configs with the targets and labels Prometheus's
//     endpoints discovery would give those Endpoints (endpointsTargets): the
//     processes listen on loopback addresses, which the API refuses in
//     Endpoints;
//   - paths under ServiceAccountMount point at pod.ServiceAccountDir.
//
// Any other path under /etc/prometheus or /var/run is an error: the
// harness would have to provide it.
func (o *PrometheusOutput) RuntimeConfig(pod PodStandIn, rulesDir string, endpoints []ServiceEndpoints) ([]byte, []string, error) {
	env, err := reloaderEnv(o.StatefulSet.Spec.Template.Spec, pod)
	if err != nil {
		return nil, nil, fmt.Errorf("StatefulSet %s: %w", o.StatefulSet.Name, err)
	}
	expanded, vars, err := expandReloaderEnv(o.Config, env)
	if err != nil {
		return nil, nil, err
	}
	var rw rewrites
	for _, v := range vars {
		rw.add("$(%s) → %q (the config-reloader's env)", v, env[v])
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(expanded, &cfg); err != nil {
		return nil, nil, err
	}
	files, _ := cfg["rule_files"].([]any)
	for i, f := range files {
		s, _ := f.(string)
		if !strings.HasPrefix(s, PrometheusRulesMount) {
			return nil, nil, fmt.Errorf("rule_files[%d] %q is not under %s", i, s, PrometheusRulesMount)
		}
		files[i] = filepath.Join(rulesDir, strings.TrimPrefix(s, PrometheusRulesMount))
		rw.add("rule_files: %s → %s/ (the operator's rule ConfigMaps, written there)", PrometheusRulesMount, rulesDir)
	}
	var sdErr error
	forEachSDConfig(cfg, func(where string, parent, sd map[string]any) bool {
		if _, ok := sd["api_server"]; ok && sdErr == nil {
			sdErr = fmt.Errorf("%s sets api_server: in-cluster discovery was expected", where)
		}
		if role, _ := sd["role"].(string); role == "endpoints" {
			if targets := endpointsTargets(sd, pod.Namespace, endpoints); len(targets) > 0 {
				static, _ := parent["static_configs"].([]any)
				parent["static_configs"] = append(static, targets...)
				rw.add("kubernetes_sd_configs role endpoints → static_configs with the labels Prometheus's endpoints discovery gives %s (Endpoints cannot hold loopback addresses)", endpointsNames(endpoints))
				return false
			}
		}
		sd["kubeconfig_file"] = pod.Kubeconfig
		rw.add("kubernetes_sd_configs: + kubeconfig_file %s (in-cluster discovery needs the pod's mounted token)", pod.Kubeconfig)
		return true
	})
	if sdErr != nil {
		return nil, nil, sdErr
	}
	if err := rewritePaths(cfg, "", map[string]string{ServiceAccountMount: pod.ServiceAccountDir + "/"}, []string{"/etc/prometheus/", "/var/run/"}, &rw); err != nil {
		return nil, nil, err
	}
	b, err := yaml.Marshal(cfg)
	return b, rw.list(), err
}

// forEachSDConfig calls f on every kubernetes_sd_configs entry of the scrape
// configs and of the Alertmanager discovery, with the config holding it; an
// entry for which f returns false is removed.
func forEachSDConfig(cfg map[string]any, f func(where string, parent, sd map[string]any) bool) {
	visit := func(kind string, list []any) {
		for i, c := range list {
			m, _ := c.(map[string]any)
			sds, _ := m["kubernetes_sd_configs"].([]any)
			name, _ := m["job_name"].(string)
			var keep []any
			for j, sd := range sds {
				sdm, ok := sd.(map[string]any)
				if !ok || f(fmt.Sprintf("%s[%d] %s kubernetes_sd_configs[%d]", kind, i, name, j), m, sdm) {
					keep = append(keep, sd)
				}
			}
			switch {
			case len(keep) == len(sds):
			case len(keep) == 0:
				delete(m, "kubernetes_sd_configs")
			default:
				m["kubernetes_sd_configs"] = keep
			}
		}
	}
	scrape, _ := cfg["scrape_configs"].([]any)
	visit("scrape_configs", scrape)
	if alerting, ok := cfg["alerting"].(map[string]any); ok {
		ams, _ := alerting["alertmanagers"].([]any)
		visit("alerting.alertmanagers", ams)
	}
}

// rewritePaths replaces the prefixes of string values found anywhere in v
// (by map key order: deterministic notes), and refuses strings under a
// forbidden prefix that no mapping covers.
func rewritePaths(v any, where string, prefixes map[string]string, forbidden []string, rw *rewrites) error {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if s, ok := v[k].(string); ok {
				ns, err := rewritePath(s, where+"."+k, prefixes, forbidden, rw)
				if err != nil {
					return err
				}
				v[k] = ns
				continue
			}
			if err := rewritePaths(v[k], where+"."+k, prefixes, forbidden, rw); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range v {
			if s, ok := e.(string); ok {
				ns, err := rewritePath(s, fmt.Sprintf("%s[%d]", where, i), prefixes, forbidden, rw)
				if err != nil {
					return err
				}
				v[i] = ns
				continue
			}
			if err := rewritePaths(e, fmt.Sprintf("%s[%d]", where, i), prefixes, forbidden, rw); err != nil {
				return err
			}
		}
	}
	return nil
}

func rewritePath(s, where string, prefixes map[string]string, forbidden []string, rw *rewrites) (string, error) {
	for from, to := range prefixes {
		if strings.HasPrefix(s, from) {
			rw.add("%s → %s (mounted by the kubelet in a pod)", from, to)
			return to + strings.TrimPrefix(s, from), nil
		}
	}
	for _, f := range forbidden {
		if strings.HasPrefix(s, f) {
			return "", fmt.Errorf("%s: %q is a file of the pod that the harness does not provide", strings.TrimPrefix(where, "."), s)
		}
	}
	return s, nil
}

// envRef matches $(VAR), as prometheus-config-reloader expands it
// (github.com/thanos-io/thanos pkg/reloader/reloader.go, envRe and expandEnv:
// an unset variable is an error).
var envRef = regexp.MustCompile(`\$\(([a-zA-Z_0-9]+)\)`)

func expandReloaderEnv(b []byte, env map[string]string) ([]byte, []string, error) {
	var err error
	var used []string
	out := envRef.ReplaceAllFunc(b, func(m []byte) []byte {
		name := string(m[2 : len(m)-1])
		v, ok := env[name]
		if !ok {
			if err == nil {
				err = fmt.Errorf("found reference to unset environment variable %q", name)
			}
			return m
		}
		if !slices.Contains(used, name) {
			used = append(used, name)
		}
		return []byte(v)
	})
	slices.Sort(used)
	return out, used, err
}

// reloaderEnv is the env of the pod's config-reloader container.
func reloaderEnv(spec corev1.PodSpec, pod PodStandIn) (map[string]string, error) {
	for _, c := range spec.Containers {
		if c.Name == "config-reloader" {
			return ContainerEnv(c, pod)
		}
	}
	return nil, fmt.Errorf("no config-reloader container")
}

// ContainerEnv is a container's env as the kubelet sets it: values, and the
// fieldRefs a pod stand-in can answer.
func ContainerEnv(c corev1.Container, pod PodStandIn) (map[string]string, error) {
	env := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = expandKubelet(e.Value, env)
		case e.ValueFrom.FieldRef != nil:
			switch e.ValueFrom.FieldRef.FieldPath {
			case "metadata.name":
				env[e.Name] = pod.Name
			case "metadata.namespace":
				env[e.Name] = pod.Namespace
			case "spec.nodeName":
				env[e.Name] = pod.NodeName
			case "status.podIP", "status.hostIP":
				env[e.Name] = pod.IP
			default:
				return nil, fmt.Errorf("container %s env %s: fieldRef %s has no stand-in", c.Name, e.Name, e.ValueFrom.FieldRef.FieldPath)
			}
		default:
			// Secret, ConfigMap and resource refs: not used by the
			// containers the harness runs; left unset (an expansion fails).
		}
	}
	return env, nil
}

// expandKubelet expands $(VAR) references to defined variables and leaves
// others as written, as the kubelet does for env values and args
// (k8s.io/kubernetes third_party/forked/golang/expansion).
func expandKubelet(s string, env map[string]string) string {
	return envRef.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := env[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// AlertmanagerOutput is what the operator generated for an Alertmanager
// object: the Secret alertmanager-<name>-generated, mounted at
// AlertmanagerConfigDir.
type AlertmanagerOutput struct {
	Namespace, Name string
	// Config is alertmanager.yaml (gunzipped).
	Config []byte
	// Files are the Secret's other keys (templates).
	Files map[string]string
	// Secrets are the Alertmanager's spec.secrets, mounted at
	// SecretsMount<name>/.
	Secrets []string
	// StatefulSet is the operator's alertmanager-<name>.
	StatefulSet *appsv1.StatefulSet
}

// ReadAlertmanagerOutput reads what the operator generated for the
// Alertmanager namespace/name, and the object's spec.secrets.
func ReadAlertmanagerOutput(ctx context.Context, k *Kube, namespace, name string) (*AlertmanagerOutput, error) {
	o := &AlertmanagerOutput{Namespace: namespace, Name: name, Files: map[string]string{}}
	gen := "alertmanager-" + name + "-generated"
	var sec corev1.Secret
	if err := k.Get(ctx, Secrets, namespace, gen, &sec); err != nil {
		return nil, err
	}
	for key, v := range sec.Data {
		if key == AlertmanagerConfigKey {
			b, err := gunzip(v)
			if err != nil {
				return nil, fmt.Errorf("Secret %s/%s %s: %w", namespace, gen, key, err)
			}
			o.Config = b
			continue
		}
		o.Files[key] = string(v)
	}
	if o.Config == nil {
		return nil, fmt.Errorf("Secret %s/%s has no %s", namespace, gen, AlertmanagerConfigKey)
	}
	var am struct {
		Spec struct {
			Secrets []string `json:"secrets"`
		} `json:"spec"`
	}
	if err := k.Get(ctx, Resource{Group: "monitoring.coreos.com", Version: "v1", Name: "alertmanagers", Namespaced: true}, namespace, name, &am); err != nil {
		return nil, err
	}
	o.Secrets = am.Spec.Secrets
	o.StatefulSet = &appsv1.StatefulSet{}
	if err := k.Get(ctx, StatefulSets, namespace, "alertmanager-"+name, o.StatefulSet); err != nil {
		return nil, err
	}
	return o, nil
}

// RuntimeConfig writes the files the Alertmanager pod would mount under dir
// (config/: the generated Secret's templates; secrets/<name>/<key>: each
// Secret of spec.secrets, read from the API) and returns the config with
// $(VAR) expanded as the config-reloader does and those mount paths pointed
// at dir, plus what it rewrote. A credential file of a Secret that
// spec.secrets does not mount is an error, as the pod could not read it.
func (o *AlertmanagerOutput) RuntimeConfig(ctx context.Context, k *Kube, pod PodStandIn, dir string) ([]byte, []string, error) {
	env, err := reloaderEnv(o.StatefulSet.Spec.Template.Spec, pod)
	if err != nil {
		return nil, nil, fmt.Errorf("StatefulSet %s: %w", o.StatefulSet.Name, err)
	}
	expanded, vars, err := expandReloaderEnv(o.Config, env)
	if err != nil {
		return nil, nil, err
	}
	var rw rewrites
	for _, v := range vars {
		rw.add("$(%s) → %q (the config-reloader's env)", v, env[v])
	}
	configDir := filepath.Join(dir, "config")
	if err := writeFiles(configDir, o.Files); err != nil {
		return nil, nil, err
	}
	prefixes := map[string]string{AlertmanagerConfigDir: configDir + "/"}
	for _, s := range o.Secrets {
		var sec corev1.Secret
		if err := k.Get(ctx, Secrets, o.Namespace, s, &sec); err != nil {
			return nil, nil, fmt.Errorf("Alertmanager %s mounts Secret %s: %w", o.Name, s, err)
		}
		files := map[string]string{}
		for key, v := range sec.Data {
			files[key] = string(v)
		}
		local := filepath.Join(dir, "secrets", s)
		if err := writeFiles(local, files); err != nil {
			return nil, nil, err
		}
		prefixes[SecretsMount+s+"/"] = local + "/"
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(expanded, &cfg); err != nil {
		return nil, nil, err
	}
	if err := rewritePaths(cfg, "", prefixes, []string{"/etc/alertmanager/", "/var/run/"}, &rw); err != nil {
		return nil, nil, err
	}
	b, err := yaml.Marshal(cfg)
	return b, rw.list(), err
}

// rewrites collects distinct notes.
type rewrites struct{ notes []string }

func (r *rewrites) add(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	if !slices.Contains(r.notes, n) {
		r.notes = append(r.notes, n)
	}
}

func (r *rewrites) list() []string {
	out := slices.Clone(r.notes)
	slices.Sort(out)
	return out
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

func writeFiles(dir string, files map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for k, v := range files {
		if strings.ContainsAny(k, "/\\") || k == ".." {
			return fmt.Errorf("key %q is not a file name", k)
		}
		if err := os.WriteFile(filepath.Join(dir, k), []byte(v), 0o600); err != nil {
			return err
		}
	}
	return nil
}
