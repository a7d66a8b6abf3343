package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/internal/checks/catalog"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var provenanceMetric = Check{
	Name: "provenance/metric",
	Doc: "Every metric a rule or a dashboard query reads comes from a declared source: a workload's scrape target (`up`, " +
		"`scrape_*`) or its declared metrics (its inference server preset's families, or a custom server's requests/latency, training loss, `metrics.exported`, where a name X also " +
		"covers X_bucket, X_sum and X_count), kube-state-metrics, " +
		"cAdvisor, dcgm-exporter (with a `gpu: true` workload), node-exporter, Prometheus, or a recording rule of extraRules; " +
		"suggests the closest declared name.",
	Run: func(in *Input) diag.List {
		var out diag.List
		cat := in.metricCatalog()
		for _, q := range catalogQueries(in) {
			seen := map[string]bool{}
			parser.Inspect(q.expr, func(n parser.Node, _ []parser.Node) error {
				vs, ok := n.(*parser.VectorSelector)
				if !ok {
					return nil
				}
				for _, name := range catalog.SelectorNames(vs) {
					if seen[name] || strings.Contains(name, grafanaValue) || cat.Metric(name) != nil {
						continue
					}
					seen[name] = true
					if msg := unknownMetric(cat, name); msg != "" {
						out.Append(at(in, q.source, "provenance/metric", q.file, "%s reads metric %s, %s", q.what, name, msg))
					}
				}
				return nil
			})
		}
		return out
	},
}

// unknownMetric explains why name has no source ("" to accept it).
func unknownMetric(cat *catalog.Catalog, name string) string {
	const none = "which no declared source exports"
	const declare = "if an application exports it, declare it in workloads.<name>.metrics.exported"
	sugg := cat.Suggest(name)
	if strings.Contains(name, ":") && (sugg == nil || !slices.ContainsFunc(sugg.Sources, func(s *catalog.Source) bool {
		// A recording rule of the spec, or a server's metric (vLLM and
		// SGLang name theirs with a colon).
		return s.Kind == catalog.KindRule || s.Server != ""
	})) {
		// A recording rule of kube-prometheus-stack's default rules.
		return ""
	}
	if strings.HasPrefix(name, "DCGM_FI_") && !cat.GPU() {
		return none + ": dcgm-exporter is installed only when a workload sets gpu: true"
	}
	if sugg != nil {
		return fmt.Sprintf("%s; did you mean %s, %s? (%s)", none, sugg.Name, describeSource(sugg.Sources[0]), declare)
	}
	return none + "; " + declare
}

func describeSource(s *catalog.Source) string {
	switch s.Kind {
	case catalog.KindWorkload:
		if s.Server != "" {
			return "exported by " + s.Server + ", the server of workload " + s.Name
		}
		return "declared by workload " + s.Name
	case catalog.KindRule:
		return "recorded by " + s.Path
	}
	return "exported by " + s.Kind
}
