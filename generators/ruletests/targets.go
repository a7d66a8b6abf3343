package ruletests

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
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
// series(metric, l.with(extra...)) without the copy of l.
func series(metric string, l labelSet, extra ...string) string {
	var buf [24]label
	return render(metric, sortedLabels(buf[:0], l, extra...))
}

type label struct{ name, value string }

// sortedLabels appends to ls the labels of l.with(extra...), sorted by name.
func sortedLabels(ls []label, l labelSet, extra ...string) []label {
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
	return ls
}

// render writes metric{ls} in series notation.
func render(metric string, ls []label) string {
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

// base is a label set that series are named from, with the names made so
// far: every scenario of a workload's tests has the same series (other
// values), and naming one (sorting, quoting, its typed labels) is the
// generator's most frequent operation. A base is used by one goroutine.
type base struct {
	l     labelSet
	names map[nameKey]seriesName
	// sb builds the names' labels (Labels copies them out), shared by the
	// bases of a workload's tests.
	sb *labels.ScratchBuilder
	// parsed tells plain metric names, shared by the generation.
	parsed *sharedParses
}

func newBase(l labelSet, sb *labels.ScratchBuilder, parsed *sharedParses) *base {
	return &base{l: l, names: map[nameKey]seriesName{}, sb: sb, parsed: parsed}
}

// nameKey is a series name of a base: its metric and up to two extra
// name/value pairs (all callers have fewer).
type nameKey struct {
	metric string
	extra  [4]string
	n      int
}

// seriesName is series(metric, l, extra...) and the labels promqltest's
// parser gives for it (promunit.SeriesDesc), when they are known (ok).
type seriesName struct {
	text string
	lset labels.Labels
	ok   bool
}

// input is the series metric{b, extra...} with values v.
func (b *base) input(metric string, v valuesText, extra ...string) promunit.Series {
	k := nameKey{metric: metric, n: len(extra)}
	cacheable := len(extra) <= len(k.extra) // every caller today; else not cached
	copy(k.extra[:], extra)
	name, ok := b.names[k]
	if !ok || !cacheable {
		var buf [24]label
		ls := sortedLabels(buf[:0], b.l, extra...)
		name.text = render(metric, ls)
		name.lset, name.ok = seriesLabels(b.sb, b.parsed, metric, ls)
		if cacheable {
			b.names[k] = name
		}
	}
	s := promunit.Series{Series: name.text, Values: v.text}
	if name.ok {
		// The runner's input, read only (as v is).
		s.Desc = &promunit.SeriesDesc{Labels: name.lset, Runs: v.runs}
	}
	return s
}

// seriesLabels are the labels the parser gives for render(metric, ls):
// __name__ and the labels, those with an empty value left out (the parser
// builds them with a labels.Builder, which drops them). ok is false when
// the text is not one this package knows the parser's reading of (a metric
// name that is not a plain identifier, a label name that is not, a value
// with invalid UTF-8 or a control character other than a newline): the
// runner then parses the line, and gets its error if any.
// TestSeriesDescIsTheLine and TestSeriesLabelsAreParsed check the labels
// against the parser's.
//
// sb is reset and used to build them; parsed tells plain metric names.
func seriesLabels(sb *labels.ScratchBuilder, parsed *sharedParses, metric string, ls []label) (_ labels.Labels, ok bool) {
	if !parsed.plainMetric(metric) {
		return labels.EmptyLabels(), false
	}
	sb.Reset()
	sb.Add(labels.MetricName, metric)
	for _, lb := range ls {
		if lb.name == labels.MetricName || !prommodel.LabelName(lb.name).IsValidLegacy() || !plainValue(lb.value) {
			return labels.EmptyLabels(), false
		}
		if lb.value != "" {
			sb.Add(lb.name, lb.value)
		}
	}
	sb.Sort()
	return sb.Labels(), true
}

// plainValue is a label value that writeQuoted writes and the parser reads
// back unchanged (see TestSeriesLabelsAreParsed).
func plainValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\n' || c == 0x7f {
			return false
		}
	}
	return utf8.ValidString(v)
}

// plainMetric is a metric name the parser reads as the series' __name__ and
// nothing else (a keyword, a number like Inf, would not be), as the parser
// itself tells, asked once per name and generation.
func (c *sharedParses) plainMetric(metric string) bool {
	if v, ok := c.metrics.Load(metric); ok {
		return v.(bool)
	}
	ok := prommodel.LabelName(metric).IsValidLegacy()
	if ok {
		got, vals, err := seriesParser.ParseSeriesDesc(metric)
		ok = err == nil && len(vals) == 0 && labels.Equal(got, labels.FromStrings(labels.MetricName, metric))
	}
	c.metrics.Store(metric, ok)
	return ok
}

// seriesParser parses input series as promqltest's load command does.
var seriesParser = parser.NewParser(promqltest.TestParserOpts)

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
	m      map[string]*base
	parsed *sharedParses
	// relabel are the scrape config and parsed relabel rules of each
	// workload (the pods of one share them).
	relabel map[*model.Workload]relabeling
	// sb is the bases' labels builder (see base).
	sb *labels.ScratchBuilder
}

type relabeling struct {
	cfg scrape.Config
	rcs []*relabel.Config
}

func newPodTargets(parsed *sharedParses) podTargets {
	sb := labels.NewScratchBuilder(16)
	return podTargets{m: map[string]*base{}, parsed: parsed, relabel: map[*model.Workload]relabeling{}, sb: &sb}
}

func (t podTargets) of(p pod) (*base, error) {
	key := p.w.Namespace + "\x00" + p.w.Name + "\x00" + p.name + "\x00" + strconv.Itoa(p.ip)
	if b, ok := t.m[key]; ok {
		return b, nil
	}
	r, ok := t.relabel[p.w]
	if !ok {
		r.cfg = scrape.ForWorkload(p.w)
		var err error
		if r.rcs, err = t.parsed.parse(r.cfg.RelabelConfigs); err != nil {
			return nil, err
		}
		t.relabel[p.w] = r
	}
	l, err := p.target(r)
	if err != nil {
		return nil, err
	}
	b := newBase(l, t.sb, t.parsed)
	t.m[key] = b
	return b, nil
}

// target is the label set the generated scrape relabeling attaches to every
// sample scraped from the pod: the generated scrape config's relabel rules
// are run, with Prometheus's relabel package, over the meta labels that
// Kubernetes discovery gives the pod. A relabeling that loses a label the
// alerts filter on therefore breaks the tests. It also fails when the stack
// attaches labels this package does not know, so the tests never miss one.
func (p pod) target(r relabeling) (labelSet, error) {
	l, err := relabelTarget(p, r)
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
