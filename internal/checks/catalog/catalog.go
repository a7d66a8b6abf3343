// Package catalog is the metric catalog of a spec: every metric name the
// generated stack can store, where it comes from (a workload's scrape
// target, kube-state-metrics, cAdvisor, dcgm-exporter, node-exporter,
// Prometheus itself, a recording rule of the spec) and which labels its
// series carry. The provenance checks ask it whether a rule or a dashboard
// reads a metric that exists, with labels that exist.
//
// Label sets are what the generated configuration makes true: a workload's
// series carry the labels its scrape relabeling attaches (stack.TargetLabels)
// plus those the application declares; kube_pod_labels carries label_<key>
// only for keys in the kube-state-metrics allowlist the values set.
package catalog

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
	"github.com/dataopsgen/dataopsgen/presets"
)

// Source kinds.
const (
	KindWorkload     = "workload"
	KindKSM          = "kube-state-metrics"
	KindCAdvisor     = "cAdvisor"
	KindDCGM         = "dcgm-exporter"
	KindNodeExporter = "node-exporter"
	KindPrometheus   = "Prometheus"
	KindStack        = "kube-prometheus-stack"
	KindRule         = "recording rule"
)

// Source is one origin of a metric's series.
type Source struct {
	Kind string
	// Name is the workload (KindWorkload) or rule group (KindRule).
	Name string
	// Path is the spec path that declares the metric (a workload's metric
	// field, its metrics.exported entry, a recording rule; the stack for
	// cluster-wide exporters).
	Path string
	// Labels the source's series carry.
	Labels Labels
	// Values are labels whose value the source fixes (a workload's series
	// have namespace, workload, job and the selector labels set to known
	// values). A matcher on such a label that rejects the value rules the
	// source out.
	Values map[string]string
	// Target reports that the labels are the scrape target's only (up,
	// scrape_*): the application adds none.
	Target bool
	// Server is the title of the inference server whose preset declares
	// the metric ("" when the spec names it).
	Server string
}

// String describes the source for messages: "workload resnet",
// "kube-state-metrics", "recording rule extraRules.g.rules.0".
func (s *Source) String() string {
	switch s.Kind {
	case KindWorkload:
		return "workload " + s.Name
	case KindRule:
		return "recording rule " + s.Path
	}
	return s.Kind
}

// Metric is one metric name and its sources.
type Metric struct {
	Name string
	// Family is the name prefix the metric was matched by ("node_"), for
	// exporters whose series are not listed one by one.
	Family  string
	Sources []*Source
	union   Labels
	// index: label -> value -> sources fixing that value; unfixed: label ->
	// sources not fixing it. Built for metrics with many sources.
	index   map[string]map[string][]int
	unfixed map[string][]int
}

// Labels is the union of the labels of every source.
func (m *Metric) Labels() Labels { return m.union }

// Catalog is the metric catalog of one spec. It is read-only once built.
type Catalog struct {
	metrics  map[string]*Metric
	families []*Metric
	names    []string
	gpu      bool

	parser    parser.Parser
	pending   map[string][]pendingRule
	resolving map[string]bool
}

type pendingRule struct {
	group string
	path  string
	rule  *model.Rule
}

// New builds the catalog of s. p parses the recording rules' expressions
// (their output labels are inferred); an expression that does not parse
// records a metric with open labels. ksm is the kube-state-metrics part of
// the generated kube-prometheus-stack values (the pod and job labels it
// exposes, the custom resources it watches), as the generator typed it.
func New(s *model.Spec, p parser.Parser, ksm promstack.KubeStateMetrics) *Catalog {
	c := &Catalog{metrics: map[string]*Metric{}, parser: p, gpu: s.HasGPU()}
	for _, w := range s.Workloads {
		c.addWorkload(w)
	}
	c.addStack(ksm)
	c.addSLOs(s)
	c.pending = map[string][]pendingRule{}
	c.resolving = map[string]bool{}
	for _, g := range s.ExtraRules {
		for i, r := range g.Rules {
			if r.Record != "" {
				c.pending[r.Record] = append(c.pending[r.Record], pendingRule{g.Name, load.PathString("extraRules", g.Name, "rules", itoa(i)), r})
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.pending)) {
		c.resolve(name)
	}
	c.pending, c.resolving = nil, nil
	c.names = make([]string, 0, len(c.metrics))
	for name, m := range c.metrics {
		c.names = append(c.names, name)
		m.buildIndex()
	}
	slices.Sort(c.names)
	return c
}

func (c *Catalog) add(name string, src *Source) {
	m := c.metrics[name]
	if m == nil {
		m = &Metric{Name: name}
		c.metrics[name] = m
	}
	m.Sources = append(m.Sources, src)
	if m.union.Names == nil {
		m.union.Names = make(map[string]struct{}, len(src.Labels.Names))
	}
	for n := range src.Labels.Names {
		m.union.Names[n] = struct{}{}
	}
	m.union.Open = m.union.Open || src.Labels.Open
}

// addWorkload adds the series of one workload's scrape target.
func (c *Catalog) addWorkload(w *model.Workload) {
	values := map[string]string{}
	var empty []string
	for k, v := range w.Selector {
		// An empty label value is no label: Prometheus drops it.
		if n := stack.PromLabelName(k); v != "" {
			values[n] = v
		} else {
			empty = append(empty, n)
		}
	}
	target := stack.TargetLabels(w)
	if len(empty) > 0 {
		target = slices.DeleteFunc(target, func(n string) bool { _, ok := values[n]; return !ok && slices.Contains(empty, n) })
	}
	values[stack.LabelNamespace] = w.Namespace
	values[stack.LabelWorkload] = w.Name
	values["job"] = stack.ScrapeJobName(w)

	targetSet := Closed(target...)
	for _, name := range scrapeSeries {
		c.add(name, &Source{Kind: KindWorkload, Name: w.Name, Path: w.Path(), Labels: targetSet, Values: values, Target: true})
	}
	app := targetSet.With(w.Metrics.AppLabels...)
	src := func(path string, l Labels) *Source {
		return &Source{Kind: KindWorkload, Name: w.Name, Path: path, Labels: l, Values: values}
	}
	if in := w.Inference; in != nil && in.Preset != nil {
		c.addPreset(w, in.Preset, app, src)
	}
	if tr := w.Training; tr != nil && tr.LossMetric != "" {
		c.add(tr.LossMetric, src(w.Path("training", "lossMetric"), app))
	}
	for i, name := range w.Metrics.Exported {
		path := w.Path("metrics", "exported", itoa(i))
		c.add(name, src(path, app))
		// A histogram or summary declared by its base name.
		c.add(name+"_bucket", src(path, app.With("le")))
		c.add(name+"_sum", src(path, app))
		c.add(name+"_count", src(path, app))
	}
}

// addStack adds the exporters the stack installs.
func (c *Catalog) addStack(ksm promstack.KubeStateMetrics) {
	const path = "stack.prometheus"
	allow := ksmAllowlist(ksm.MetricLabelsAllowlist)
	for _, row := range table(kubeStateMetrics) {
		name := row[0]
		l := Closed(append(row[1:], serviceMonitorLabels...)...)
		for res, metric := range ksmLabelMetrics {
			if metric != name {
				continue
			}
			for _, k := range allow[res] {
				if k == "*" {
					l.Open = true
					continue
				}
				l = l.With(stack.KSMLabel(k))
			}
		}
		c.add(name, &Source{Kind: KindKSM, Path: path, Labels: l, Values: map[string]string{"job": "kube-state-metrics"}})
	}
	kubelet := map[string]string{"job": "kubelet", "metrics_path": "/metrics/cadvisor"}
	for _, row := range table(cadvisor) {
		c.add(row[0], &Source{Kind: KindCAdvisor, Path: path, Labels: Closed(append(row[1:], cadvisorLabels...)...), Values: kubelet})
	}
	c.add("container_scrape_error", &Source{Kind: KindCAdvisor, Path: path, Labels: Closed(stackTargetLabels...), Values: kubelet})
	for _, name := range scrapeSeries {
		c.add(name, &Source{Kind: KindStack, Path: path, Labels: Closed(stackTargetLabels...), Target: true})
	}
	for _, name := range []string{"ALERTS", "ALERTS_FOR_STATE"} {
		c.add(name, &Source{Kind: KindPrometheus, Path: path, Labels: OpenSet().With("alertname", "alertstate")})
	}

	for _, f := range openFamilies {
		c.families = append(c.families, family(f.prefix, f.kind, path, OpenSet()))
	}
	for _, p := range ksmOpenResources {
		c.families = append(c.families, family(p, KindKSM, path, OpenSet()))
	}
	if c.gpu {
		c.addDCGM()
	}
	c.addCustomResources(ksm.CustomResourceState)
	for _, f := range c.families {
		f.buildIndex()
	}
}

func family(prefix, kind, path string, l Labels) *Metric {
	src := &Source{Kind: kind, Path: path, Labels: l}
	return &Metric{Name: prefix + "*", Family: prefix, Sources: []*Source{src}, union: l}
}

// ksmAllowlist parses kube-state-metrics' --metric-labels-allowlist items
// ("pods=[a,b]") into resource -> label keys.
func ksmAllowlist(items []string) map[string][]string {
	out := map[string][]string{}
	for _, it := range items {
		res, list, ok := strings.Cut(it, "=")
		if !ok {
			continue
		}
		list = strings.TrimSuffix(strings.TrimPrefix(list, "["), "]")
		for k := range strings.SplitSeq(list, ",") {
			if k = strings.TrimSpace(k); k != "" {
				out[res] = append(out[res], k)
			}
		}
	}
	return out
}

// resolve adds the recording rules recording name, inferring their output
// labels (resolving the recording rules they read first).
func (c *Catalog) resolve(name string) {
	rules, ok := c.pending[name]
	if !ok || c.resolving[name] {
		return
	}
	c.resolving[name] = true
	for _, r := range rules {
		l := OpenSet()
		if e, err := c.parser.ParseExpr(r.rule.Expr); err == nil {
			l = c.Infer(e)
		}
		values := map[string]string{}
		for k, v := range r.rule.Labels {
			if v != "" {
				l = l.With(k)
				values[k] = v
			}
		}
		c.add(name, &Source{Kind: KindRule, Name: r.group, Path: r.path, Labels: l, Values: values})
	}
	delete(c.pending, name)
}

// indexed are the labels whose fixed values are indexed: the ones queries
// pin a workload's series with.
var indexed = map[string]bool{stack.LabelWorkload: true, stack.LabelNamespace: true, "job": true}

// indexThreshold is the number of sources from which a metric's fixed label
// values are indexed (`up` of a thousand workloads).
const indexThreshold = 16

func (m *Metric) buildIndex() {
	if len(m.Sources) < indexThreshold {
		return
	}
	m.index = map[string]map[string][]int{}
	for i, s := range m.Sources {
		for l, v := range s.Values {
			if !indexed[l] {
				continue
			}
			if m.index[l] == nil {
				m.index[l] = map[string][]int{}
			}
			m.index[l][v] = append(m.index[l][v], i)
		}
	}
	m.unfixed = map[string][]int{}
	for l := range m.index {
		for i, s := range m.Sources {
			if _, ok := s.Values[l]; !ok {
				m.unfixed[l] = append(m.unfixed[l], i)
			}
		}
	}
}

// Metric returns the metric called name (a listed one, or one matched by
// an exporter's name prefix), or nil when no declared source exports it.
func (c *Catalog) Metric(name string) *Metric {
	if m := c.metrics[name]; m != nil {
		return m
	}
	for _, f := range c.families {
		if strings.HasPrefix(name, f.Family) {
			return f
		}
	}
	return nil
}

// Lookup returns the labels of metric name: known reports whether a
// declared source exports it, open whether its series may carry labels
// beyond the listed ones.
func (c *Catalog) Lookup(name string) (names []string, known, open bool) {
	m := c.Metric(name)
	if m == nil {
		return nil, false, false
	}
	return m.union.Sorted(), true, m.union.Open
}

// GPU reports whether dcgm-exporter is part of the stack.
func (c *Catalog) GPU() bool { return c.gpu }

// Selection is what a selector can read from a metric.
type Selection struct {
	Metric *Metric
	// Missing are the labels matched on that no source of the metric
	// carries (a matcher that the empty value satisfies is not missing).
	Missing []string
	// Matching are the sources whose series the matchers can select.
	Matching []*Source
	// Labels of the selected series: the matching sources' labels, plus
	// the labels the selector requires to be non-empty; open when no
	// source matches.
	Labels Labels
}

// Select returns what the selector metric{ms...} reads. Matchers on
// __name__ are ignored. The metric must be known (Metric(name) != nil).
func (c *Catalog) Select(m *Metric, ms []*labels.Matcher) Selection {
	sel := Selection{Metric: m}
	for _, mt := range ms {
		if mt.Name == labels.MetricName {
			continue
		}
		if !m.union.Has(mt.Name) && !mt.Matches("") && !slices.Contains(sel.Missing, mt.Name) {
			sel.Missing = append(sel.Missing, mt.Name)
		}
	}
	cands := m.candidates(ms)
	var l Labels
	for _, i := range cands {
		s := m.Sources[i]
		if !Compatible(s, ms) {
			continue
		}
		if len(sel.Matching) == 0 {
			l = s.Labels
		} else if !sameLabels(l, s.Labels) {
			l = l.Union(s.Labels)
		}
		sel.Matching = append(sel.Matching, s)
	}
	if len(sel.Matching) == 0 {
		// The selector reads nothing (the provenance checks say why):
		// nothing can be said of its labels.
		sel.Labels = m.union.Union(OpenSet())
		return sel
	}
	var required []string
	for _, mt := range ms {
		if mt.Name != labels.MetricName && !mt.Matches("") && !l.Known(mt.Name) {
			required = append(required, mt.Name)
		}
	}
	if len(required) > 0 {
		l = l.With(required...)
	}
	sel.Labels = l
	return sel
}

func sameLabels(a, b Labels) bool {
	if a.Open != b.Open || len(a.Names) != len(b.Names) {
		return false
	}
	for n := range a.Names {
		if _, ok := b.Names[n]; !ok {
			return false
		}
	}
	return true
}

// candidates narrows the sources by an equality matcher on an indexed label.
func (m *Metric) candidates(ms []*labels.Matcher) []int {
	if m.index != nil {
		best := -1
		var bestList []int
		for _, mt := range ms {
			if mt.Type != labels.MatchEqual {
				continue
			}
			byValue, ok := m.index[mt.Name]
			if !ok {
				continue
			}
			n := len(byValue[mt.Value]) + len(m.unfixed[mt.Name])
			if best < 0 || n < best {
				best = n
				bestList = append(append(make([]int, 0, n), byValue[mt.Value]...), m.unfixed[mt.Name]...)
			}
		}
		if best >= 0 {
			slices.Sort(bestList)
			return bestList
		}
	}
	all := make([]int, len(m.Sources))
	for i := range all {
		all[i] = i
	}
	return all
}

// Compatible reports whether source s can have series the matchers select:
// a label s fixes must have a matching value; a label s does not carry must
// be matched by the empty value.
func Compatible(s *Source, ms []*labels.Matcher) bool {
	for _, mt := range ms {
		if !CompatibleOne(s, mt) {
			return false
		}
	}
	return true
}

// CompatibleOne is Compatible for one matcher.
func CompatibleOne(s *Source, mt *labels.Matcher) bool {
	if mt.Name == labels.MetricName {
		return true
	}
	if v, ok := s.Values[mt.Name]; ok {
		return mt.Matches(v)
	}
	if s.Labels.Has(mt.Name) {
		return true
	}
	return mt.Matches("")
}

// Suggest returns the listed metric whose name is closest to name, or nil
// when none is close.
func (c *Catalog) Suggest(name string) *Metric {
	limit := max(1, len(name)/3)
	best, bestD := "", limit+1
	for _, n := range c.names {
		if abs(len(n)-len(name)) > limit {
			continue
		}
		if d := diag.Distance(name, n, bestD); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return nil
	}
	return c.metrics[best]
}

// Closest is the name among names closest to name, within a quarter of its
// length (a typo, not another name with a common prefix), or "".
func Closest(name string, names []string) string {
	limit := max(1, len(name)/4)
	best, bestD := "", limit+1
	for _, n := range names {
		if n == name || abs(len(n)-len(name)) > limit {
			continue
		}
		if d := diag.Distance(name, n, bestD); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func itoa(i int) string { return strconv.Itoa(i) }

// addPreset adds the metric families of an inference workload's server
// preset, with the labels the server puts on them (and the application's
// declared ones): a histogram's _bucket, _sum and _count, a summary's
// series, a counter or gauge by its name.
func (c *Catalog) addPreset(w *model.Workload, p *presets.Server, app Labels, src func(string, Labels) *Source) {
	for i := range p.Families {
		f := &p.Families[i]
		path := w.Path("inference", "server")
		if f.Declared != "" {
			path = w.Path("inference", f.Declared)
		}
		l := app.With(f.LabelNames(p.ModelLabel)...)
		if f.OpenLabels {
			l = l.Union(OpenSet())
		}
		add := func(name string, l Labels) {
			s := src(path, l)
			if !p.Custom() {
				s.Server = p.Title
			}
			c.add(name, s)
		}
		switch f.Type {
		case presets.TypeHistogram:
			add(f.Name+"_bucket", l.With("le"))
			add(f.Name+"_sum", l)
			add(f.Name+"_count", l)
		case presets.TypeSummary:
			add(f.Name, l.With("quantile"))
			add(f.Name+"_sum", l)
			add(f.Name+"_count", l)
		default:
			add(f.Name, l)
		}
	}
}
