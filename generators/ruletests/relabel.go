package ruletests

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// relabelTarget runs the workload's generated scrape relabeling (r: its
// scrape config and parsed rules) over the discovery labels of pod p, as
// Prometheus does, and returns the target's labels (job and instance
// included, meta labels dropped).
func relabelTarget(p pod, r relabeling) (labelSet, error) {
	cfg, rcs := r.cfg, r.rcs
	portName, portNumber := stack.PortMeta(p.w.Metrics.Port)
	meta := map[string]string{
		"__address__":                                 fmt.Sprintf("10.0.0.%d:8080", p.ip),
		"__meta_kubernetes_namespace":                 p.w.Namespace,
		"__meta_kubernetes_pod_name":                  p.name,
		"__meta_kubernetes_pod_container_name":        p.w.Name,
		"__meta_kubernetes_pod_container_port_name":   portName,
		"__meta_kubernetes_pod_container_port_number": portNumber,
		"__meta_kubernetes_pod_phase":                 "Running",
		"__metrics_path__":                            cfg.MetricsPath,
		"__scheme__":                                  cfg.Scheme,
		"job":                                         cfg.JobName,
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

// sharedParses is what one generation's workloads parse alike, each
// distinct input once per generation (a generation makes it; its workloads
// share it; nothing outlives it):
//
//   - relabel rules (parse), as Prometheus parses them (the generated YAML,
//     read by relabel.Config's UnmarshalYAML, validated): rules repeat
//     across pods and workloads (the pods of a workload and its copy in
//     another namespace have the same ones, most rules copy the same labels
//     for every workload, the neighbour decoys all have the same name), and
//     parsing is the costly part of relabeling. Parsing a list parses its
//     rules one by one, so rules parsed in another list (those not parsed
//     yet) are the list's. A rule's key is its fields (relabelKey), from
//     which its YAML is made (artifact.YAML): the same key is the same YAML.
//     The parsed rules are validated before they are shared, and only read
//     after.
//   - metric names (plainMetric), as promqltest's series parser reads them:
//     a few names, the same for every workload.
type sharedParses struct {
	relabel sync.Map // JSON of a scrape.Relabel -> *relabel.Config
	metrics sync.Map // metric name -> plainMetric's answer
}

func (c *sharedParses) parse(rs []scrape.Relabel) ([]*relabel.Config, error) {
	out := make([]*relabel.Config, len(rs))
	keys := make([]string, len(rs))
	var miss []scrape.Relabel
	for i, r := range rs {
		keys[i] = relabelKey(r)
		if v, ok := c.relabel.Load(keys[i]); ok {
			out[i] = v.(*relabel.Config)
		} else {
			miss = append(miss, r)
		}
	}
	if len(miss) == 0 {
		return out, nil
	}
	// The new rules are parsed as one list (one YAML document: a
	// workload has a few, and a document's setup costs more than a rule).
	parsed, err := parseRelabel(miss)
	if err != nil {
		// The error as the whole list gives it (its positions).
		if _, lerr := parseRelabel(rs); lerr != nil {
			return nil, lerr
		}
		return nil, err
	}
	for i := range out {
		if out[i] == nil {
			out[i], parsed = parsed[0], parsed[1:]
			c.relabel.Store(keys[i], out[i])
		}
	}
	return out, nil
}

// relabelKey identifies r's YAML: its fields, each length-prefixed (so
// distinct rules have distinct keys), empty ones as absent (omitempty: the
// same YAML), Replacement absent apart from empty.
func relabelKey(r scrape.Relabel) string {
	b := make([]byte, 0, 128)
	field := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	field(r.Action)
	field(r.Regex)
	field(r.Separator)
	field(r.TargetLabel)
	if r.Replacement == nil {
		b = append(b, '-')
	} else {
		field(*r.Replacement)
	}
	b = strconv.AppendInt(b, int64(len(r.SourceLabels)), 10)
	for _, l := range r.SourceLabels {
		field(l)
	}
	return string(b)
}

// parseRelabel is what Prometheus does with generated relabel configs.
func parseRelabel(rs []scrape.Relabel) ([]*relabel.Config, error) {
	return scrape.PrometheusRelabel(rs)
}
