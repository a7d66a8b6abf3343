package ruletests

import (
	"fmt"
	"strings"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	yamlv2 "go.yaml.in/yaml/v2"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// relabelTarget runs the workload's generated scrape relabeling over the
// discovery labels of pod p, as Prometheus does, and returns the target's
// labels (job and instance included, meta labels dropped).
func relabelTarget(p pod) (labelSet, error) {
	cfg := scrape.ForWorkload(p.w)
	data, err := artifact.YAML(cfg.RelabelConfigs)
	if err != nil {
		return nil, err
	}
	var rcs []*relabel.Config
	if err := yamlv2.Unmarshal(data, &rcs); err != nil {
		return nil, fmt.Errorf("generated relabel configs: %w", err)
	}
	for _, rc := range rcs {
		if err := rc.Validate(prommodel.UTF8Validation); err != nil {
			return nil, fmt.Errorf("generated relabel config: %w", err)
		}
	}
	meta := map[string]string{
		"__address__":                               fmt.Sprintf("10.0.0.%d:8080", p.ip),
		"__meta_kubernetes_namespace":               p.w.Namespace,
		"__meta_kubernetes_pod_name":                p.name,
		"__meta_kubernetes_pod_container_name":      p.w.Name,
		"__meta_kubernetes_pod_container_port_name": p.w.Metrics.Port,
		"__meta_kubernetes_pod_phase":               "Running",
		"__metrics_path__":                          cfg.MetricsPath,
		"__scheme__":                                cfg.Scheme,
		"job":                                       cfg.JobName,
	}
	for k, v := range p.w.Selector {
		name := stack.PromLabelName(k)
		meta["__meta_kubernetes_pod_label_"+name] = v
		meta["__meta_kubernetes_pod_labelpresent_"+name] = "true"
	}
	lb := labels.NewBuilder(labels.FromMap(meta))
	if !relabel.ProcessBuilder(lb, rcs...) {
		return nil, fmt.Errorf("the generated scrape relabeling drops the pods of workload %s", p.w.Name)
	}
	out := lb.Labels()
	l := labelSet{}
	out.Range(func(lb labels.Label) {
		if !strings.HasPrefix(lb.Name, "__") {
			l[lb.Name] = lb.Value
		}
	})
	if _, ok := l["instance"]; !ok {
		l["instance"] = out.Get("__address__") // what Prometheus does
	}
	return l, nil
}
