package checks

import (
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var provenancePromQL = Check{
	Name: "provenance/promql",
	Doc: "Every Prometheus query of a dashboard (panel targets, `label_values`/`query_result` variables) parses as PromQL once " +
		"Grafana's variables are substituted (`$__rate_interval` by a duration, `$var` by a value); rules are parsed by rules/parse.",
	Run: func(in *Input) diag.List {
		var out diag.List
		for _, q := range in.queries() {
			if q.err != nil {
				out.Append(at(in, q.source, "provenance/promql", q.file, "%s: query does not parse as PromQL: %v", q.what, q.err))
			}
		}
		return out
	},
}
