package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func operatorFixture(t *testing.T) *PrometheusOutput {
	t.Helper()
	cfg, err := os.ReadFile(filepath.Join("testdata", "operator", "prometheus.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "operator", "statefulset.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var sts appsv1.StatefulSet
	if err := yaml.Unmarshal(b, &sts); err != nil {
		t.Fatal(err)
	}
	return &PrometheusOutput{Namespace: "monitoring", Name: "prometheus-kube-prometheus-prometheus", Config: cfg, StatefulSet: &sts,
		RuleFiles: map[string]map[string]string{"prometheus-x-rulefiles-0": {"monitoring-a.yaml": "groups:\n- name: b\n- name: a\n"}}}
}

func TestPrometheusRuntimeConfig(t *testing.T) {
	o := operatorFixture(t)
	pod := PodStandIn{Name: "prometheus-x-0", Namespace: "monitoring", NodeName: "n", IP: "127.0.0.9", Kubeconfig: "/k/kubeconfig", ServiceAccountDir: "/k/sa"}
	b, notes, err := o.RuntimeConfig(pod, "/k/rules", nil)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	get := func(path string) any {
		var v any = cfg
		for _, k := range strings.Split(path, ".") {
			switch x := v.(type) {
			case map[string]any:
				v = x[k]
			case []any:
				v = x[0]
				if m, ok := v.(map[string]any); ok {
					v = m[k]
				}
			}
		}
		return v
	}
	for path, want := range map[string]any{
		"global.external_labels.prometheus_replica":                    "prometheus-x-0",
		"scrape_configs.relabel_configs.regex":                         "0",
		"scrape_configs.tls_config.ca_file":                            "/k/sa/ca.crt",
		"scrape_configs.authorization.credentials_file":                "/k/sa/token",
		"scrape_configs.kubernetes_sd_configs.kubeconfig_file":         "/k/kubeconfig",
		"alerting.alertmanagers.kubernetes_sd_configs.kubeconfig_file": "/k/kubeconfig",
	} {
		if got := get(path); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
	if diff := cmp.Diff([]any{"/k/rules/prometheus-prometheus-kube-prometheus-prometheus-rulefiles-0/*.yaml"}, cfg["rule_files"]); diff != "" {
		t.Errorf("rule_files (-want +got):\n%s", diff)
	}
	// Every scrape config got the kubeconfig, and each rewrite is listed once.
	if n := strings.Count(string(b), "kubeconfig_file: /k/kubeconfig"); n != 3 {
		t.Errorf("%d kubeconfig_file, want 3:\n%s", n, b)
	}
	want := []string{
		`$(POD_NAME) → "prometheus-x-0" (the config-reloader's env)`,
		`$(SHARD) → "0" (the config-reloader's env)`,
		ServiceAccountMount + " → /k/sa/ (mounted by the kubelet in a pod)",
		"kubernetes_sd_configs: + kubeconfig_file /k/kubeconfig (in-cluster discovery needs the pod's mounted token)",
		"rule_files: /etc/prometheus/rules/ → /k/rules/ (the operator's rule ConfigMaps, written there)",
	}
	if diff := cmp.Diff(want, notes); diff != "" {
		t.Errorf("rewrites (-want +got):\n%s", diff)
	}
	groups, err := o.RuleGroups()
	if err != nil || !cmp.Equal(groups, []string{"a", "b"}) {
		t.Errorf("rule groups %v, %v", groups, err)
	}
	jobs, err := o.ScrapeJobs()
	if err != nil || len(jobs) != 2 || jobs[1] != "dataops-resnet" {
		t.Errorf("scrape jobs %v, %v", jobs, err)
	}
}

// A file the pod would mount and the harness does not provide, an unset
// variable, and api_server in a discovery config are refused.
func TestPrometheusRuntimeConfigRefuses(t *testing.T) {
	pod := PodStandIn{Name: "p", Kubeconfig: "/k", ServiceAccountDir: "/sa"}
	for _, c := range []struct{ edit, want string }{
		{"/var/run/secrets/kubernetes.io/serviceaccount/ca.crt|/etc/prometheus/secrets/s/ca", `scrape_configs[0].tls_config.ca_file: "/etc/prometheus/secrets/s/ca" is a file of the pod`},
		{"$(SHARD)|$(ZONE)", `found reference to unset environment variable "ZONE"`},
		{"  - role: pod\n|  - role: pod\n    api_server: http://x\n", "dataops-resnet kubernetes_sd_configs[0] sets api_server"},
		{"/etc/prometheus/rules/|/rules/", `rule_files[0] "/rules/prometheus-prometheus-kube-prometheus-prometheus-rulefiles-0/*.yaml" is not under /etc/prometheus/rules/`},
	} {
		o := operatorFixture(t)
		from, to, _ := strings.Cut(c.edit, "|")
		o.Config = []byte(strings.Replace(string(o.Config), from, to, 1))
		if _, _, err := o.RuntimeConfig(pod, "/r", nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.edit, err, c.want)
		}
	}
}

func TestContainerArgs(t *testing.T) {
	c := corev1.Container{
		Name: "ksm",
		Args: []string{"--port=8080", "--pod=$(POD_NAME)", "--pod-namespace=$(POD_NAMESPACE)", "--resources=pods,jobs", "--web.cert-file=/cert/c", "--keep=$(UNSET)"},
		Env: []corev1.EnvVar{
			{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
			{Name: "POD_NAMESPACE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}},
		},
	}
	args, notes, err := ContainerArgs(c, PodStandIn{Name: "ksm-0", Namespace: "monitoring"}, ArgRewrite{
		Set:  map[string]string{"port": "9999", "kubeconfig": "/k"},
		Drop: []string{"web.cert-file"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"--port=9999", "--pod=ksm-0", "--pod-namespace=monitoring", "--resources=pods,jobs", "--keep=$(UNSET)", "--kubeconfig=/k"}
	if diff := cmp.Diff(want, args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	wantNotes := []string{"--port=8080 → --port=9999", "--web.cert-file=/cert/c dropped", "+ --kubeconfig=/k"}
	if diff := cmp.Diff(wantNotes, notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	c.Env = append(c.Env, corev1.EnvVar{Name: "X", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels['a']"}}})
	if _, _, err := ContainerArgs(c, PodStandIn{}, ArgRewrite{}); err == nil {
		t.Error("a fieldRef without a stand-in was accepted")
	}
}

func TestParseObjects(t *testing.T) {
	objs, err := ParseObjects([]byte("---\n# empty\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: monitoring}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ml}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"ml", "monitoring"}, NamespacesOf(objs)); diff != "" {
		t.Errorf("namespaces (-want +got):\n%s", diff)
	}
	b, err := MarshalObjects(objs)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseObjects(b)
	if err != nil || len(again) != 2 {
		t.Errorf("round trip: %d objects, %v", len(again), err)
	}
	if _, err := ParseObjects([]byte("a: 1\n")); err == nil {
		t.Error("a document without kind was accepted")
	}
}

// Discovery of Endpoints in a namespace where the harness runs a Service's
// process becomes static targets with the labels endpoints discovery gives;
// other discovery stays (with the kubeconfig).
func TestPrometheusRuntimeConfigEndpoints(t *testing.T) {
	o := operatorFixture(t)
	svc := corev1.Service{}
	svc.Name, svc.Namespace = "am", "monitoring"
	svc.Labels = map[string]string{"app.kubernetes.io/name": "alertmanager"}
	svc.Spec.Ports = []corev1.ServicePort{{Name: "http-web", Port: 9093}, {Name: "reloader-web", Port: 8080}}
	eps := []ServiceEndpoints{{Service: svc, IP: "127.0.0.5", Ports: map[string]int{"http-web": 4242}}}
	b, notes, err := o.RuntimeConfig(PodStandIn{Namespace: "monitoring", Kubeconfig: "/k", ServiceAccountDir: "/sa"}, "/r", eps)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Alerting struct {
			Alertmanagers []struct {
				SD     []any `json:"kubernetes_sd_configs"`
				Static []struct {
					Targets []string          `json:"targets"`
					Labels  map[string]string `json:"labels"`
				} `json:"static_configs"`
			} `json:"alertmanagers"`
		} `json:"alerting"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	am := cfg.Alerting.Alertmanagers[0]
	if len(am.SD) != 0 || len(am.Static) != 1 {
		t.Fatalf("alertmanagers: %d discovery configs, %d static configs:\n%s", len(am.SD), len(am.Static), b)
	}
	want := map[string]string{
		"__meta_kubernetes_namespace":                                   "monitoring",
		"__meta_kubernetes_endpoints_name":                              "am",
		"__meta_kubernetes_service_name":                                "am",
		"__meta_kubernetes_service_label_app_kubernetes_io_name":        "alertmanager",
		"__meta_kubernetes_service_labelpresent_app_kubernetes_io_name": "true",
		"__meta_kubernetes_endpoint_port_name":                          "http-web",
		"__meta_kubernetes_endpoint_port_protocol":                      "TCP",
		"__meta_kubernetes_endpoint_ready":                              "true",
	}
	if diff := cmp.Diff([]string{"127.0.0.5:4242"}, am.Static[0].Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, am.Static[0].Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	// The kubelet job watches kube-system, where no process runs.
	if !strings.Contains(string(b), "kube-system") || strings.Count(string(b), "kubeconfig_file: /k") != 2 {
		t.Errorf("the other discovery configs were changed:\n%s", b)
	}
	if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "static_configs") }) {
		t.Errorf("the rewrite is not listed: %q", notes)
	}
}
