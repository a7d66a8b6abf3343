// Package stack owns the names that tie the generated artifacts together:
// Services, datasource uids, ConfigMap and Secret names, the labels the
// scrape relabeling attaches. One place, so that the Helm values, the rules,
// the dashboards and the log config cannot disagree.
package stack

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Datasource uids Grafana is provisioned with (the chart's Prometheus
// datasource has uid "prometheus"; Loki is added by the values with "loki").
const (
	PrometheusDatasourceUID   = "prometheus"
	LokiDatasourceUID         = "loki"
	AlertmanagerDatasourceUID = "alertmanager"
)

// Grafana dashboard sidecar wiring (kube-prometheus-stack defaults).
const (
	DashboardLabel      = "grafana_dashboard"
	DashboardLabelValue = "1"
	FolderAnnotation    = "grafana_folder"
)

// Additional scrape configs Secret, referenced from the Prometheus values.
const (
	ScrapeSecretName = "dataops-additional-scrape-configs"
	ScrapeSecretKey  = "additional-scrape-configs.yaml"
)

// Log collector config ConfigMap (Alloy reads key config.alloy).
const (
	AlloyConfigMapName = "dataops-alloy-config"
	AlloyConfigKey     = "config.alloy"
)

// ValuesLabels go on every ConfigMap of Helm values: Flux's helm-controller
// watches a ConfigMap named in valuesFrom only when it carries this label,
// so a values change upgrades the release.
func ValuesLabels() map[string]string {
	return map[string]string{"reconcile.fluxcd.io/watch": "Enabled"}
}

// ValuesKey is the key of the values in those ConfigMaps.
const ValuesKey = "values.yaml"

// AlertmanagerSecretsDir is where the operator mounts alertmanagerSpec.secrets.
const AlertmanagerSecretsDir = "/etc/alertmanager/secrets"

// SecretFile is the path at which Alertmanager reads a credential.
func SecretFile(c model.Credential) string {
	return AlertmanagerSecretsDir + "/" + c.Secret + "/" + c.Key
}

// Target labels the generated scrape relabeling attaches to every sample of
// a workload (besides job and instance).
const (
	LabelNamespace = "namespace"
	LabelPod       = "pod"
	LabelContainer = "container"
	LabelWorkload  = "workload"
)

// ScrapeJobName is the Prometheus job of a workload.
func ScrapeJobName(w *model.Workload) string { return "dataops/" + w.Namespace + "/" + w.Name }

// PromLabelName is how a Kubernetes label key appears as a Prometheus label
// (kubernetes_sd meta labels and kube-state-metrics sanitize the same way).
func PromLabelName(k8sKey string) string {
	return invalidLabelChars.ReplaceAllString(k8sKey, "_")
}

var invalidLabelChars = regexp.MustCompile(`[^a-zA-Z0-9_]`)

// TargetLabels returns every label the scrape relabeling attaches to a
// workload's samples: the fixed ones and one per selector key.
func TargetLabels(w *model.Workload) []string {
	out := []string{"job", "instance", LabelNamespace, LabelPod, LabelContainer, LabelWorkload}
	for _, k := range w.SelectorKeys() {
		out = append(out, PromLabelName(k))
	}
	return out
}

// KSMLabel is the kube-state-metrics label of a pod label
// (kube_pod_labels{label_app_kubernetes_io_component=...}).
func KSMLabel(k8sKey string) string { return "label_" + PromLabelName(k8sKey) }

// LokiURL is the push/query URL of the Loki gateway Service.
func LokiURL(s *model.Spec) string {
	return fmt.Sprintf("http://%s-gateway.%s.svc.cluster.local", s.Stack.Loki.Release, s.Stack.Namespace)
}

// OverviewDashboardUID is the uid of the generated overview dashboard.
const OverviewDashboardUID = "dataops-overview"

// TemplateLiteral makes a spec string safe inside text that Prometheus or
// Alertmanager expand as a Go template (annotations, receiver fields): a
// "{{" in it is printed, not executed.
func TemplateLiteral(s string) string {
	return strings.ReplaceAll(s, "{{", `{{ "{{" }}`)
}

// QuoteLabelValue quotes a value for a PromQL/LogQL label matcher.
func QuoteLabelValue(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		switch r {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Matchers renders a selector {k="v", ...} from ordered pairs.
func Matchers(pairs ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pairs[i])
		if strings.HasPrefix(pairs[i+1], "=~") || strings.HasPrefix(pairs[i+1], "!=") || strings.HasPrefix(pairs[i+1], "!~") {
			b.WriteString(pairs[i+1][:2])
			b.WriteString(QuoteLabelValue(pairs[i+1][2:]))
		} else {
			b.WriteByte('=')
			b.WriteString(QuoteLabelValue(pairs[i+1]))
		}
	}
	b.WriteByte('}')
	return b.String()
}

// WorkloadMatchers are the label pairs that select a workload's own series
// (as attached by the scrape relabeling).
func WorkloadMatchers(w *model.Workload) []string {
	return []string{LabelNamespace, w.Namespace, LabelWorkload, w.Name}
}

// PortMeta are the kubernetes_sd discovery labels of a pod's container
// port that serves metrics on port (a name or a number), as a pod that
// declares it gives them: its name and number.
func PortMeta(port model.Port) (name, number string) {
	if port.Number() {
		return "http-metrics", string(port)
	}
	return string(port), "8080"
}
