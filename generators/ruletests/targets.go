package ruletests

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/ruletest"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

type labelSet map[string]string

func (l labelSet) with(kv ...string) labelSet {
	out := maps.Clone(l)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// only keeps the named labels (what `sum by (...)` leaves).
func (l labelSet) only(names ...string) labelSet {
	out := labelSet{}
	for _, n := range names {
		if v, ok := l[n]; ok {
			out[n] = v
		}
	}
	return out
}

// series renders metric{a="b", ...} with sorted label names.
func series(metric string, l labelSet) string {
	keys := slices.Sorted(maps.Keys(l))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + stack.QuoteLabelValue(l[k])
	}
	return metric + "{" + strings.Join(parts, ", ") + "}"
}

func input(metric string, l labelSet, v *values) ruletest.Series {
	return ruletest.Series{Series: series(metric, l), Values: v.String()}
}

// pod is one pod in the test world: the workload it belongs to (a copy of
// the spec's, possibly moved to another namespace or renamed) and its name.
type pod struct {
	w    *model.Workload
	name string
	ip   int
}

func podOf(w *model.Workload, i int) pod {
	return pod{w: w, name: fmt.Sprintf("%s-%d", w.Name, i), ip: 10 + i}
}

// elsewhere is the same workload deployed in another namespace (a staging
// copy): its series must never reach this workload's alerts.
func elsewhere(w *model.Workload) pod {
	c := *w
	c.Namespace = w.Namespace + "-other"
	return pod{w: &c, name: w.Name + "-0", ip: 30}
}

// neighbour is another workload in the same namespace, with other selector
// label values.
func neighbour(w *model.Workload) pod {
	c := *w
	c.Name = "unrelated"
	if c.Name == w.Name {
		c.Name = "unrelated-2"
	}
	c.Selector = map[string]string{}
	for k, v := range w.Selector {
		c.Selector[k] = v + "-other"
	}
	return pod{w: &c, name: c.Name + "-0", ip: 40}
}

// podTargets memoizes pod.target over the scenarios of one workload's
// tests: they all use the same pods, and relabeling a pod (marshalling and
// parsing the generated relabel configs) is the costly part. The label sets
// are shared: callers derive new ones with with/only and never modify them.
type podTargets map[string]labelSet

func (t podTargets) of(p pod) (labelSet, error) {
	key := fmt.Sprintf("%s\x00%s\x00%s\x00%d", p.w.Namespace, p.w.Name, p.name, p.ip)
	if l, ok := t[key]; ok {
		return l, nil
	}
	l, err := p.target()
	if err != nil {
		return nil, err
	}
	t[key] = l
	return l, nil
}

// target is the label set the generated scrape relabeling attaches to every
// sample scraped from the pod: the generated scrape config's relabel rules
// are run, with Prometheus's relabel package, over the meta labels that
// Kubernetes discovery gives the pod. A relabeling that loses a label the
// alerts filter on therefore breaks the tests. It also fails when the stack
// attaches labels this package does not know, so the tests never miss one.
func (p pod) target() (labelSet, error) {
	l, err := relabelTarget(p)
	if err != nil {
		return nil, err
	}
	want := stack.TargetLabels(p.w)
	if got := slices.Sorted(maps.Keys(l)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		return nil, fmt.Errorf("scrape target labels are %v, tests know %v", want, got)
	}
	return l, nil
}

// ksm are the labels of kube-state-metrics' own target (its ServiceMonitor
// has honorLabels, so namespace/pod/container are the object's).
var ksm = labelSet{"job": "kube-state-metrics", "instance": "10.0.9.9:8080"}

// objectLabels are kube-state-metrics' label_<key> copies of the pod (or
// Job) labels allow-listed by the generated Helm values.
func (p pod) objectLabels(l labelSet) labelSet {
	out := maps.Clone(l)
	for k, v := range p.w.Selector {
		out[stack.KSMLabel(k)] = v
	}
	return out
}
