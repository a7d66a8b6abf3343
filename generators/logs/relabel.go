package logs

import (
	"regexp"
	"slices"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// RelabelRule is one Prometheus-style relabel rule. Alloy's
// discovery.relabel `rule` blocks and Promtail's relabel_configs take the same
// fields with the same semantics (regexes fully anchored, replacement expands
// $1 / ${1}), so one type carries both tags.
type RelabelRule struct {
	SourceLabels []string `json:"source_labels,omitempty" alloy:"source_labels,attr,optional"`
	Separator    string   `json:"separator,omitempty" alloy:"separator,attr,optional"`
	Regex        string   `json:"regex,omitempty" alloy:"regex,attr,optional"`
	TargetLabel  string   `json:"target_label,omitempty" alloy:"target_label,attr,optional"`
	Replacement  string   `json:"replacement,omitempty" alloy:"replacement,attr,optional"`
	Action       string   `json:"action" alloy:"action,attr"`
}

// Kubernetes pod-role discovery meta labels.
const (
	metaNamespace = "__meta_kubernetes_namespace"
	metaPodName   = "__meta_kubernetes_pod_name"
	metaContainer = "__meta_kubernetes_pod_container_name"
	metaPodUID    = "__meta_kubernetes_pod_uid"
	metaPodPhase  = "__meta_kubernetes_pod_phase"
	metaNodeName  = "__meta_kubernetes_pod_node_name"
	metaLabel     = "__meta_kubernetes_pod_label_"
	metaLabelSet  = "__meta_kubernetes_pod_labelpresent_"
)

// pathLabel is the label both collectors tail files from.
const pathLabel = "__path__"

// podLogGlob: the kubelet writes /var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log;
// $1 is "<uid>/<container>" (the two source labels joined by "/").
const podLogGlob = "/var/log/pods/*$1/*.log"

// relabelRules selects one workload's pod containers and sets their labels
// and log path. Extra labels come before the fixed ones so that an extra
// label cannot override namespace/pod/container/workload, which the
// dashboards and the Logs panel filter on.
func relabelRules(w *model.Workload, extra map[string]string) []RelabelRule {
	rules := []RelabelRule{{
		SourceLabels: []string{metaNamespace},
		Regex:        regexp.QuoteMeta(w.Namespace),
		Action:       "keep",
	}}
	for _, k := range w.SelectorKeys() {
		// The presence check tells "label set to the empty value" (a valid
		// selector) from "label absent", which both read as "".
		n := stack.PromLabelName(k)
		rules = append(rules, RelabelRule{
			SourceLabels: []string{metaLabelSet + n, metaLabel + n},
			Separator:    ";",
			Regex:        "true;" + regexp.QuoteMeta(w.Selector[k]),
			Action:       "keep",
		})
	}
	// Pending pods have no logs yet and Unknown ones are unreachable;
	// Succeeded/Failed are kept: a crashed training job's last lines matter.
	rules = append(rules, RelabelRule{
		SourceLabels: []string{metaPodPhase},
		Regex:        "Pending|Unknown",
		Action:       "drop",
	})
	for _, k := range sortedKeys(extra) {
		rules = append(rules, staticLabel(k, extra[k]))
	}
	rules = append(rules,
		copyLabel(metaNamespace, stack.LabelNamespace),
		copyLabel(metaPodName, stack.LabelPod),
		copyLabel(metaContainer, stack.LabelContainer),
		staticLabel(stack.LabelWorkload, w.Name),
		RelabelRule{
			SourceLabels: []string{metaPodUID, metaContainer},
			Separator:    "/",
			TargetLabel:  pathLabel,
			Replacement:  podLogGlob,
			Action:       "replace",
		},
	)
	return rules
}

func copyLabel(from, to string) RelabelRule {
	return RelabelRule{SourceLabels: []string{from}, TargetLabel: to, Action: "replace"}
}

// staticLabel sets a label to a constant (no source labels: the default
// regex (.*) matches the empty string, so $1 is "").
func staticLabel(name, value string) RelabelRule {
	return RelabelRule{TargetLabel: name, Replacement: literalReplacement(value), Action: "replace"}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
