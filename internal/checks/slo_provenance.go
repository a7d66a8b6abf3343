package checks

import (
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var sloProvenance = Check{
	Name: "slo/provenance",
	Doc: "Every series selector of an SLO's SLI reads a metric a declared source exports (as provenance/metric, with a " +
		"did-you-mean), with labels and values that metric's sources carry (as provenance/label): an SLO over series that " +
		"never exist would never burn, whatever happens. Reported once per selector, at the field that gives it.",
	Run: func(in *Input) diag.List {
		var out diag.List
		cat := in.metricCatalog()
		for _, p := range sloPlans(in) {
			seen := map[string]bool{}
			for _, s := range p.SLI.Selectors() {
				key := s.Path + "\x00" + s.String()
				if seen[key] {
					continue
				}
				seen[key] = true
				report := func(format string, args ...any) {
					out.Add(in.Spec.Pos(s.Path), "slo/provenance", "SLO "+p.SLO.Name+": "+format, args...)
				}
				if cat.Metric(s.Metric) == nil {
					if msg := unknownMetric(cat, s.Metric); msg != "" {
						report("%s reads metric %s, %s", s.String(), s.Metric, msg)
					}
					continue
				}
				ms := append([]*labels.Matcher{labels.MustNewMatcher(labels.MatchEqual, labels.MetricName, s.Metric)}, s.Matchers...)
				checkSelector(cat, &parser.VectorSelector{Name: s.Metric, LabelMatchers: ms}, report)
			}
		}
		return out
	},
}

// sloQuery reports a query of an SLO's rules: slo/provenance checks their
// SLI, the rest read the SLO's own recording rules.
func sloQuery(q *promQuery) bool { return strings.HasPrefix(q.source, "slos.") }
