package ruletests

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

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

// series renders metric{a="b", ...} with sorted label names: the labels of
// l, with the extra name/value pairs added (or replacing l's), as
// series(metric, l.with(extra...)) without the copy of l. It is the
// generator's most frequent operation.
func series(metric string, l labelSet, extra ...string) string {
	type label struct{ name, value string }
	var buf [24]label
	ls := buf[:0]
	for k, v := range l {
		if pairIndex(extra, k) < 0 {
			ls = append(ls, label{k, v})
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if j := pairIndex(extra, extra[i]); j == i { // the last one wins
			ls = append(ls, label{extra[i], extra[i+1]})
		}
	}
	slices.SortFunc(ls, func(a, b label) int { return strings.Compare(a.name, b.name) })
	n := len(metric) + 2
	for _, lb := range ls {
		n += len(lb.name) + len(lb.value) + 5
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(metric)
	b.WriteByte('{')
	for i, lb := range ls {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(lb.name)
		b.WriteByte('=')
		writeQuoted(&b, lb.value)
	}
	b.WriteByte('}')
	return b.String()
}

// pairIndex is the index of the last name k in name/value pairs kv (the
// one with() keeps), or -1.
func pairIndex(kv []string, k string) int {
	for i := len(kv)/2*2 - 2; i >= 0; i -= 2 {
		if kv[i] == k {
			return i
		}
	}
	return -1
}

// writeQuoted writes stack.QuoteLabelValue(v), directly when v is ASCII
// with nothing to escape (as most label values are).
func writeQuoted(b *strings.Builder, v string) {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '\\' || c == '"' || c == '\n' || c >= utf8.RuneSelf {
			b.WriteString(stack.QuoteLabelValue(v))
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(v)
	b.WriteByte('"')
}

// input is the series metric{l, extra...} with values v.
func input(metric string, l labelSet, v *values, extra ...string) ruletest.Series {
	return ruletest.Series{Series: series(metric, l, extra...), Values: v.String()}
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
// tests: they all use the same pods. The label sets are shared: callers
// derive new ones with with/only and never modify them.
type podTargets struct {
	m      map[string]labelSet
	parsed *relabelRules
}

func newPodTargets(parsed *relabelRules) podTargets {
	return podTargets{m: map[string]labelSet{}, parsed: parsed}
}

func (t podTargets) of(p pod) (labelSet, error) {
	key := fmt.Sprintf("%s\x00%s\x00%s\x00%d", p.w.Namespace, p.w.Name, p.name, p.ip)
	if l, ok := t.m[key]; ok {
		return l, nil
	}
	l, err := p.target(t.parsed)
	if err != nil {
		return nil, err
	}
	t.m[key] = l
	return l, nil
}

// target is the label set the generated scrape relabeling attaches to every
// sample scraped from the pod: the generated scrape config's relabel rules
// are run, with Prometheus's relabel package, over the meta labels that
// Kubernetes discovery gives the pod. A relabeling that loses a label the
// alerts filter on therefore breaks the tests. It also fails when the stack
// attaches labels this package does not know, so the tests never miss one.
func (p pod) target(parsed *relabelRules) (labelSet, error) {
	l, err := relabelTarget(p, parsed)
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
