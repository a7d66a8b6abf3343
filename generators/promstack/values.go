// Package promstack generates the Helm values of kube-prometheus-stack
// (Prometheus, Alertmanager, Grafana, kube-state-metrics) and, when a
// workload uses GPUs, of NVIDIA's dcgm-exporter.
package promstack

import (
	"slices"
	"strings"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/dcgm"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Paths of the generated values files, and the ConfigMaps holding them.
const (
	ValuesPath     = artifact.StackDir + "/values/kube-prometheus-stack.yaml"
	ValuesName     = "values-kube-prometheus-stack"
	DCGMValuesPath = artifact.StackDir + "/values/dcgm-exporter.yaml"
	DCGMValuesName = "values-dcgm-exporter"
	ValuesKey      = "values.yaml"
)

// Values is the subset of kube-prometheus-stack values we set.
type Values struct {
	Prometheus       Prometheus       `json:"prometheus"`
	Alertmanager     Alertmanager     `json:"alertmanager"`
	Grafana          Grafana          `json:"grafana"`
	KubeStateMetrics KubeStateMetrics `json:"kube-state-metrics"`
}

type Prometheus struct {
	PrometheusSpec PrometheusSpec `json:"prometheusSpec"`
}

type PrometheusSpec struct {
	Retention          string `json:"retention"`
	ScrapeInterval     string `json:"scrapeInterval"`
	EvaluationInterval string `json:"evaluationInterval"`
	Replicas           int    `json:"replicas"`
	Shards             int    `json:"shards"`
	// Explicit, so that the rules' labels and the selector are visibly one
	// thing (the chart's default would select release=<release> as well).
	// Pointers, omitted when nil, because the chart tells "unset" (its
	// default applies) from a zero value, and so do the checks that read
	// this typed value; Build sets all three.
	RuleSelectorNilUsesHelmValues *bool          `json:"ruleSelectorNilUsesHelmValues,omitempty"`
	RuleSelector                  *LabelSelector `json:"ruleSelector,omitempty"`
	RuleNamespaceSelector         *LabelSelector `json:"ruleNamespaceSelector,omitempty"`
	// Only the Secret form: the inline form would be rendered too and one of
	// the two would silently win; it also passes through Helm's tpl.
	AdditionalScrapeConfigsSecret SecretKeySelector `json:"additionalScrapeConfigsSecret"`
	RemoteWrite                   []RemoteWrite     `json:"remoteWrite,omitempty"`
	StorageSpec                   *StorageSpec      `json:"storageSpec,omitempty"`
}

type LabelSelector struct {
	MatchLabels map[string]string `json:"matchLabels,omitempty"`
}

type SecretKeySelector struct {
	Enabled bool   `json:"enabled"`
	Name    string `json:"name"`
	Key     string `json:"key"`
}

type RemoteWrite struct {
	URL       string     `json:"url"`
	BasicAuth *BasicAuth `json:"basicAuth,omitempty"`
}

type BasicAuth struct {
	Username *SecretRef `json:"username,omitempty"`
	Password *SecretRef `json:"password,omitempty"`
}

type SecretRef struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

type StorageSpec struct {
	VolumeClaimTemplate struct {
		Spec struct {
			AccessModes []string `json:"accessModes"`
			Resources   struct {
				Requests map[string]string `json:"requests"`
			} `json:"resources"`
		} `json:"spec"`
	} `json:"volumeClaimTemplate"`
}

type Alertmanager struct {
	// tplConfig false: our config is data, not a Helm template.
	TplConfig        bool               `json:"tplConfig"`
	Config           AlertmanagerConfig `json:"config"`
	AlertmanagerSpec struct {
		// Secrets are mounted at /etc/alertmanager/secrets/<name>/.
		Secrets []string `json:"secrets,omitempty"`
	} `json:"alertmanagerSpec"`
}

type Grafana struct {
	Admin struct {
		ExistingSecret string `json:"existingSecret"`
		UserKey        string `json:"userKey"`
		PasswordKey    string `json:"passwordKey"`
	} `json:"admin"`
	Sidecar struct {
		// The grafana subchart has defaults for the label, its value and
		// the folder annotation: pointers, omitted when nil, tell "unset"
		// from "" (Build sets them all).
		Dashboards struct {
			Enabled          bool    `json:"enabled"`
			Label            *string `json:"label,omitempty"`
			LabelValue       *string `json:"labelValue,omitempty"`
			FolderAnnotation *string `json:"folderAnnotation,omitempty"`
			SearchNamespace  string  `json:"searchNamespace"`
			Provider         struct {
				FoldersFromFilesStructure bool `json:"foldersFromFilesStructure"`
			} `json:"provider"`
		} `json:"dashboards"`
	} `json:"sidecar"`
	AdditionalDataSources []DataSource   `json:"additionalDataSources"`
	GrafanaINI            map[string]any `json:"grafana.ini,omitempty"`
}

type DataSource struct {
	Name     string         `json:"name"`
	Type     string         `json:"type"`
	UID      string         `json:"uid"`
	Access   string         `json:"access"`
	URL      string         `json:"url"`
	JSONData map[string]any `json:"jsonData,omitempty"`
}

type KubeStateMetrics struct {
	// e.g. pods=[app.kubernetes.io/component]: exposes those pod labels on
	// kube_pod_labels, which the training alerts join on.
	MetricLabelsAllowlist []string `json:"metricLabelsAllowlist"`
	// The training controllers' custom resources (ksm_crs.go).
	CustomResourceState *CustomResourceState `json:"customResourceState,omitempty"`
	RBAC                *KSMRBAC             `json:"rbac,omitempty"`
}

// New returns the generator.
func New() generators.Generator {
	return generators.Func{N: "promstack", F: generate}
}

// generate emits the values files, each with the typed value it marshalled
// (File.Value: *Values, *DCGMValues), which the checks read.
func generate(s *model.Spec) ([]artifact.File, error) {
	v := Build(s)
	data, err := artifact.YAML(&v)
	if err != nil {
		return nil, err
	}
	files := []artifact.File{{
		Path: ValuesPath, Data: data, Role: artifact.ConfigMapData, Source: "stack.prometheus",
		Object: &artifact.Generated{Name: ValuesName, Key: ValuesKey, Labels: stack.ValuesLabels()},
		Value:  &v,
	}}
	if s.HasGPU() {
		dv := DCGM(s)
		d, err := artifact.YAML(&dv)
		if err != nil {
			return nil, err
		}
		files = append(files, artifact.File{
			Path: DCGMValuesPath, Data: d, Role: artifact.ConfigMapData, Source: "stack.dcgmExporter",
			Object: &artifact.Generated{Name: DCGMValuesName, Key: ValuesKey, Labels: stack.ValuesLabels()},
			Value:  &dv,
		})
	}
	return files, nil
}

// Build returns the kube-prometheus-stack values of the spec.
func Build(s *model.Spec) Values {
	p := s.Stack.Prometheus
	var v Values
	ps := &v.Prometheus.PrometheusSpec
	ps.Retention = p.Retention
	ps.ScrapeInterval = p.ScrapeInterval
	ps.EvaluationInterval = p.EvaluationInterval
	ps.Replicas = p.Replicas
	ps.Shards = p.Shards
	ps.RuleSelectorNilUsesHelmValues = ptr(false)
	ps.RuleSelector = &LabelSelector{MatchLabels: rules.SelectorLabels(s)}
	ps.RuleNamespaceSelector = &LabelSelector{}
	ps.AdditionalScrapeConfigsSecret = SecretKeySelector{Enabled: true, Name: stack.ScrapeSecretName, Key: stack.ScrapeSecretKey}
	for _, rw := range p.RemoteWrite {
		out := RemoteWrite{URL: rw.URL}
		if rw.Username != nil || rw.Password != nil {
			out.BasicAuth = &BasicAuth{Username: ref(rw.Username), Password: ref(rw.Password)}
		}
		ps.RemoteWrite = append(ps.RemoteWrite, out)
	}
	if p.StorageSize != "" {
		st := &StorageSpec{}
		st.VolumeClaimTemplate.Spec.AccessModes = []string{"ReadWriteOnce"}
		st.VolumeClaimTemplate.Spec.Resources.Requests = map[string]string{"storage": p.StorageSize}
		ps.StorageSpec = st
	}

	v.Alertmanager.Config, v.Alertmanager.AlertmanagerSpec.Secrets = BuildAlertmanager(s)

	g := s.Stack.Grafana
	v.Grafana.Admin.ExistingSecret = g.AdminSecret.Secret
	v.Grafana.Admin.UserKey = g.AdminSecret.UserKey
	v.Grafana.Admin.PasswordKey = g.AdminSecret.PasswordKey
	d := &v.Grafana.Sidecar.Dashboards
	d.Enabled = true
	d.Label = ptr(stack.DashboardLabel)
	d.LabelValue = ptr(stack.DashboardLabelValue)
	d.FolderAnnotation = ptr(stack.FolderAnnotation)
	d.SearchNamespace = s.Stack.Namespace
	d.Provider.FoldersFromFilesStructure = true
	v.Grafana.AdditionalDataSources = []DataSource{{
		Name: "Loki", Type: "loki", UID: stack.LokiDatasourceUID, Access: "proxy", URL: stack.LokiURL(s),
		JSONData: map[string]any{"maxLines": 1000},
	}}
	if g.URL != "" {
		v.Grafana.GrafanaINI = map[string]any{"server": map[string]string{"root_url": g.URL}}
	}
	v.KubeStateMetrics.MetricLabelsAllowlist = KSMAllowlist(s)
	v.KubeStateMetrics.CustomResourceState, v.KubeStateMetrics.RBAC = customResourceState(s)
	return v
}

// KSMAllowlist lists, for pods and jobs, every selector label key of the
// workloads: the training alerts join on kube_pod_labels / kube_job_labels.
func KSMAllowlist(s *model.Spec) []string {
	var keys []string
	seen := map[string]bool{}
	for _, w := range s.Workloads {
		for _, k := range w.SelectorKeys() {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return []string{}
	}
	list := "[" + strings.Join(keys, ",") + "]"
	return []string{"jobs=" + list, "pods=" + list}
}

func ptr[T any](v T) *T { return &v }

func ref(c *model.Credential) *SecretRef {
	if c == nil {
		return nil
	}
	return &SecretRef{Name: c.Secret, Key: c.Key}
}

// DCGMValues configure NVIDIA's dcgm-exporter chart so that Prometheus
// scrapes it: its ServiceMonitor needs the release label (the operator's
// selector) and honorLabels (pod/namespace are the GPU's consumer, not the
// exporter's own).
type DCGMValues struct {
	ServiceMonitor struct {
		Enabled          bool              `json:"enabled"`
		HonorLabels      bool              `json:"honorLabels"`
		Interval         string            `json:"interval"`
		AdditionalLabels map[string]string `json:"additionalLabels"`
	} `json:"serviceMonitor"`
	// GPU nodes only (chart 4.6.0 templates/daemonset.yaml renders both
	// as given; both empty by default, so the DaemonSet lands everywhere).
	NodeSelector map[string]string  `json:"nodeSelector"`
	Tolerations  []model.Toleration `json:"tolerations"`
	// CustomMetrics is the collectors CSV (internal/dcgm): the chart writes
	// it into ConfigMap exporter-metrics-config-map, which the DaemonSet
	// mounts over the default counters file it reads (-f).
	CustomMetrics string `json:"customMetrics"`
}

// DCGM returns the dcgm-exporter values.
func DCGM(s *model.Spec) DCGMValues {
	var v DCGMValues
	v.ServiceMonitor.Enabled = true
	v.ServiceMonitor.HonorLabels = true
	v.ServiceMonitor.Interval = s.Stack.Prometheus.ScrapeInterval
	v.ServiceMonitor.AdditionalLabels = rules.SelectorLabels(s)
	d := s.Stack.DCGMExporter
	v.NodeSelector = d.NodeSelector
	if v.NodeSelector == nil {
		v.NodeSelector = map[string]string{}
	}
	v.Tolerations = d.Tolerations
	if v.Tolerations == nil {
		v.Tolerations = []model.Toleration{}
	}
	v.CustomMetrics = dcgm.CSV()
	return v
}
