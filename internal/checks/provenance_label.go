package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/internal/checks/catalog"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var provenanceLabel = Check{
	Name: "provenance/label",
	Doc: "Every label a selector of a rule or dashboard query matches on is carried by its metric — attached by the workload's " +
		"scrape relabeling (job, instance, namespace, pod, container, workload, one per selector key), declared by the " +
		"application (`metrics.appLabels`, model/status labels), set by the exporter (kube_pod_labels has `label_<key>` only " +
		"for keys in the kube-state-metrics allowlist), or kept by a recording rule — with a value some source can have " +
		"(`up{workload=\"typo\"}`); the labels of `by (...)`, `on (...)` and `group_left (...)` exist on their operands.",
	Run: func(in *Input) diag.List {
		var out diag.List
		cat := in.metricCatalog()
		for _, q := range catalogQueries(in) {
			report := func(format string, args ...any) {
				out.Append(at(in, q.source, "provenance/label", q.file, q.what+": "+format, args...))
			}
			// The labels of every sub-expression, in one pass.
			inferred := map[parser.Expr]catalog.Labels{}
			top := cat.InferEach(q.expr, func(e parser.Expr, l catalog.Labels) { inferred[e] = l })
			labelsOf := func(e parser.Expr) catalog.Labels {
				if l, ok := inferred[e]; ok {
					return l
				}
				return cat.Infer(e)
			}
			parser.Inspect(q.expr, func(n parser.Node, _ []parser.Node) error {
				switch n := n.(type) {
				case *parser.VectorSelector:
					checkSelector(cat, n, report)
				case *parser.AggregateExpr:
					if !n.Without && len(n.Grouping) > 0 {
						checkGrouping(labelsOf(n.Expr), n.Grouping, fmt.Sprintf("%s by (%s)", n.Op, strings.Join(n.Grouping, ", ")), "its input", report)
					}
				case *parser.BinaryExpr:
					checkMatching(labelsOf, n, report)
				}
				return nil
			})
			if q.label != "" {
				checkGrouping(top, []string{q.label}, "label_values(..., "+q.label+")", "the series", report)
			}
		}
		return out
	},
}

func checkSelector(cat *catalog.Catalog, vs *parser.VectorSelector, report func(string, ...any)) {
	for _, name := range catalog.SelectorNames(vs) {
		checkSelectorName(cat, vs, name, report)
	}
}

// checkSelectorName checks the selector's matchers against metric name.
func checkSelectorName(cat *catalog.Catalog, vs *parser.VectorSelector, name string, report func(string, ...any)) {
	m := cat.Metric(name)
	if m == nil {
		return // provenance/metric
	}
	ms := vs.LabelMatchers
	sel := cat.Select(m, ms)
	for _, l := range sel.Missing {
		if strings.Contains(l, grafanaValue) {
			continue // a dashboard variable
		}
		report("label %s is not on metric %s (its labels: %s)%s%s", l, name, labelList(m.Labels()), labelSuggestion(m, l), labelHint(m, l))
	}
	if len(sel.Missing) > 0 || len(sel.Matching) > 0 {
		return
	}
	// Every label exists, but no source has the values asked for.
	for _, mt := range ms {
		if mt.Name == labels.MetricName || slices.ContainsFunc(m.Sources, func(s *catalog.Source) bool { return catalog.CompatibleOne(s, mt) }) {
			continue
		}
		var have []string
		seen := map[string]bool{}
		for _, s := range m.Sources {
			if v, ok := s.Values[mt.Name]; ok && !seen[v] {
				seen[v] = true
				if len(have) < 3 {
					have = append(have, fmt.Sprintf("%s has %s=%q", s, mt.Name, v))
				}
			}
		}
		if len(seen) > len(have) {
			have = append(have, fmt.Sprintf("%d more", len(seen)-len(have)))
		}
		report("no source of metric %s has %s (%s)", name, mt, strings.Join(have, ", "))
		return
	}
	var fixed []string
	for _, mt := range ms {
		if mt.Name == labels.MetricName {
			continue
		}
		if slices.ContainsFunc(m.Sources, func(s *catalog.Source) bool { _, ok := s.Values[mt.Name]; return ok }) {
			fixed = append(fixed, mt.String())
		}
	}
	report("no single source of metric %s has %s", name, strings.Join(fixed, " and "))
}

// checkGrouping reports grouping labels the input can never carry.
func checkGrouping(input catalog.Labels, names []string, what, operand string, report func(string, ...any)) {
	if input.Open {
		return
	}
	for _, l := range names {
		if !input.Has(l) && !strings.HasPrefix(l, grafanaValue) {
			report("%s: %s never carries label %s (it carries %s)", what, operand, l, labelListOrNone(input))
		}
	}
}

func checkMatching(labelsOf func(parser.Expr) catalog.Labels, n *parser.BinaryExpr, report func(string, ...any)) {
	vm := n.VectorMatching
	if vm == nil || n.LHS.Type() != parser.ValueTypeVector || n.RHS.Type() != parser.ValueTypeVector {
		return
	}
	if !vm.On && len(vm.Include) == 0 {
		return
	}
	lhs, rhs := labelsOf(n.LHS), labelsOf(n.RHS)
	if vm.On && len(vm.MatchingLabels) > 0 {
		what := fmt.Sprintf("on (%s)", strings.Join(vm.MatchingLabels, ", "))
		checkGrouping(lhs, vm.MatchingLabels, what, "the left-hand side", report)
		checkGrouping(rhs, vm.MatchingLabels, what, "the right-hand side", report)
	}
	if len(vm.Include) > 0 {
		switch vm.Card {
		case parser.CardManyToOne:
			checkGrouping(rhs, vm.Include, fmt.Sprintf("group_left (%s)", strings.Join(vm.Include, ", ")), "the right-hand side", report)
		case parser.CardOneToMany:
			checkGrouping(lhs, vm.Include, fmt.Sprintf("group_right (%s)", strings.Join(vm.Include, ", ")), "the left-hand side", report)
		}
	}
}

// maxListed is how many label names a message lists.
const maxListed = 16

func labelList(l catalog.Labels) string {
	names := l.Sorted()
	if len(names) > maxListed {
		names = append(names[:maxListed], fmt.Sprintf("and %d more", len(names)-maxListed))
	}
	s := strings.Join(names, ", ")
	if l.Open {
		s += ", and any other"
	}
	return s
}

func labelListOrNone(l catalog.Labels) string {
	if len(l.Names) == 0 {
		return "no labels"
	}
	return labelList(l)
}

// labelHint tells where labels of the metric come from.
// labelSuggestion is "; did you mean x?" for the metric's label closest to
// label, if one is close.
func labelSuggestion(m *catalog.Metric, label string) string {
	if best := catalog.Closest(label, m.Labels().Sorted()); best != "" {
		return "; did you mean " + best + "?"
	}
	return ""
}

func labelHint(m *catalog.Metric, label string) string {
	for _, s := range m.Sources {
		if s.Kind == catalog.KindWorkload && s.Server != "" {
			return fmt.Sprintf("; %s's series carry the labels its source defines (the preset in presets/servers) and the workload's target labels (job, instance, namespace, pod, container, workload, one per selector key)", s.Server)
		}
	}
	var kinds []string
	for _, s := range m.Sources {
		k := s.Kind
		if s.Kind == catalog.KindWorkload && s.Target {
			k = "target"
		}
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	switch {
	case slices.Contains(kinds, catalog.KindKSM) && strings.HasPrefix(label, "label_"):
		return "; kube-state-metrics exports label_<key> only for the label keys in its metricLabelsAllowlist, which lists the workloads' selector keys (workloads.<name>.selector)"
	case slices.Contains(kinds, "target"):
		return "; a workload's scrape relabeling attaches job, instance, namespace, pod, container, workload and one label per key of workloads.<name>.selector"
	case slices.Contains(kinds, catalog.KindWorkload):
		return "; a workload's series carry its target labels (job, instance, namespace, pod, container, workload, one per selector key) and the labels it declares in workloads.<name>.metrics.appLabels"
	case slices.Contains(kinds, catalog.KindRule):
		return "; a recording rule's series carry only the labels its expression keeps and its own labels"
	}
	return ""
}
