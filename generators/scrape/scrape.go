// Package scrape generates the Prometheus scrape configs for the workloads,
// delivered as `additionalScrapeConfigs` in a Secret (the operator reads the
// Secret named by prometheusSpec.additionalScrapeConfigsSecret).
//
// The seed tutorial's configs kept the right pods but attached no labels, so
// every alert filtering on namespace or component matched nothing. These
// attach namespace, pod, container, workload and one label per selector key,
// and drop pods that are not running.
package scrape

import (
	"regexp"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Path of the generated file in the overlay.
const Path = artifact.StackDir + "/scrape/additional-scrape-configs.yaml"

// Config is one Prometheus scrape_config, the subset we emit.
type Config struct {
	JobName              string         `json:"job_name"`
	MetricsPath          string         `json:"metrics_path"`
	Scheme               string         `json:"scheme"`
	KubernetesSDConfigs  []KubernetesSD `json:"kubernetes_sd_configs"`
	RelabelConfigs       []Relabel      `json:"relabel_configs"`
	HonorLabels          bool           `json:"honor_labels"`
	EnableHTTP2          *bool          `json:"enable_http2,omitempty"`
	FollowRedirects      *bool          `json:"follow_redirects,omitempty"`
	MetricRelabelConfigs []Relabel      `json:"metric_relabel_configs,omitempty"`
}

// KubernetesSD is a kubernetes_sd_config.
type KubernetesSD struct {
	Role       string      `json:"role"`
	Namespaces *Namespaces `json:"namespaces,omitempty"`
	Selectors  []Selector  `json:"selectors,omitempty"`
}

type Namespaces struct {
	Names []string `json:"names"`
}

// Selector narrows discovery on the API server side (labelSelector).
type Selector struct {
	Role  string `json:"role"`
	Label string `json:"label,omitempty"`
}

// Relabel is a relabel_config.
type Relabel struct {
	SourceLabels []string `json:"source_labels,omitempty"`
	Separator    string   `json:"separator,omitempty"`
	Regex        string   `json:"regex,omitempty"`
	TargetLabel  string   `json:"target_label,omitempty"`
	Replacement  *string  `json:"replacement,omitempty"`
	Action       string   `json:"action"`
}

// New returns the scrape generator.
func New() generators.Generator {
	return generators.Func{N: "scrape", F: generate}
}

// Jobs are the generated scrape configs with the spec path each comes from:
// the generator hands them to the checks as its file's artifact.File.Value,
// so that they neither decode the bytes nor run the generator again.
type Jobs struct {
	Configs []Config
	// Sources parallels Configs: the path of the workload of each job.
	Sources []string
}

func generate(s *model.Spec) ([]artifact.File, error) {
	configs := Configs(s)
	data, err := artifact.YAMLList(configs)
	if err != nil {
		return nil, err
	}
	jobs := &Jobs{Configs: configs, Sources: make([]string, len(s.Workloads))}
	for i, w := range s.Workloads {
		jobs.Sources[i] = w.Path()
	}
	return []artifact.File{{
		Value: jobs,
		Path:  Path,
		Data:  data,
		Role:  artifact.SecretData,
		Object: &artifact.Generated{
			Name: stack.ScrapeSecretName,
			Key:  stack.ScrapeSecretKey,
			// Referenced by name from the Helm values: the name must not change.
			Hash: false,
		},
		Source: "workloads",
	}}, nil
}

// Configs returns one scrape config per workload, in workload order.
func Configs(s *model.Spec) []Config {
	out := make([]Config, 0, len(s.Workloads))
	for _, w := range s.Workloads {
		out = append(out, ForWorkload(w))
	}
	return out
}

const meta = "__meta_kubernetes_pod_"

// ForWorkload is the scrape config of one workload.
func ForWorkload(w *model.Workload) Config {
	var rel []Relabel
	var labelSelector string
	for _, k := range w.SelectorKeys() {
		name := stack.PromLabelName(k)
		// labelpresent distinguishes "label set to empty" from "no label".
		rel = append(rel, Relabel{
			SourceLabels: []string{meta + "labelpresent_" + name, meta + "label_" + name},
			Separator:    ";",
			Regex:        "true;" + regexp.QuoteMeta(w.Selector[k]),
			Action:       "keep",
		})
		if labelSelector != "" {
			labelSelector += ","
		}
		labelSelector += k + "=" + w.Selector[k]
	}
	rel = append(rel,
		Relabel{SourceLabels: []string{meta + portMeta(w)}, Regex: regexp.QuoteMeta(string(w.Metrics.Port)), Action: "keep"},
		// A finished or not-yet-started pod has no endpoint to scrape; keeping
		// it would only produce up == 0 noise.
		Relabel{SourceLabels: []string{meta + "phase"}, Regex: "Pending|Succeeded|Failed", Action: "drop"},
		copyLabel("__meta_kubernetes_namespace", stack.LabelNamespace),
		copyLabel(meta+"name", stack.LabelPod),
		copyLabel(meta+"container_name", stack.LabelContainer),
	)
	for _, k := range w.SelectorKeys() {
		name := stack.PromLabelName(k)
		rel = append(rel, copyLabel(meta+"label_"+name, name))
	}
	name := w.Name
	rel = append(rel, Relabel{TargetLabel: stack.LabelWorkload, Replacement: &name, Action: "replace"})

	return Config{
		JobName:     stack.ScrapeJobName(w),
		MetricsPath: w.Metrics.Path,
		Scheme:      w.Metrics.Scheme,
		KubernetesSDConfigs: []KubernetesSD{{
			Role:       "pod",
			Namespaces: &Namespaces{Names: []string{w.Namespace}},
			// Server-side filtering keeps discovery cheap in big clusters; the
			// keep rules above still decide.
			Selectors: []Selector{{Role: "pod", Label: labelSelector}},
		}},
		RelabelConfigs: rel,
	}
}

func copyLabel(from, to string) Relabel {
	return Relabel{SourceLabels: []string{from}, TargetLabel: to, Action: "replace"}
}

// portMeta is the discovery label that selects the metrics port: its name,
// or its number when metrics.port is one (a container port name always has
// a letter).
func portMeta(w *model.Workload) string {
	if w.Metrics.Port.Number() {
		return "container_port_number"
	}
	return "container_port_name"
}
