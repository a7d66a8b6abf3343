package dashboards

import (
	"strconv"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"

	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// logsRow: the selected pods' logs; the log collector attaches namespace,
// pod, container and workload to every stream. logged: the spec paths of
// the workloads whose logs are collected.
func logsRow(d *board, logged []string) {
	d.row("Logs", logged)
	d.add(d.logsPanel("Logs", fullWidth, logsHeight,
		lokiQuery("A", podSel(), "")), logged)
}

// extraRow appends the spec's extraPanels, in order, as written: their
// queries are the user's and are not rewritten.
func extraRow(d *board, s *model.Spec) {
	if len(s.ExtraPanels) == 0 {
		return
	}
	// The row is the list's; each panel, its entry's.
	d.row("Extra", []string{"extraPanels"})
	for i, p := range s.ExtraPanels {
		d.addUser(load.PathString("extraPanels", strconv.Itoa(i)), extraPanel(d, p))
	}
}

func extraPanel(d *board, p *model.Panel) cog.Builder[dashboard.Panel] {
	ds := promDS()
	var target cog.Builder[variants.Dataquery]
	if p.Datasource == "loki" {
		ds = lokiDS()
		target = lokiQuery("A", p.Expr, p.Legend)
	} else {
		q := promQuery("A", p.Expr, p.Legend)
		if p.Type == "table" {
			// A table shows the current value of each series, one per row.
			q.Format(prometheus.PromQueryFormatTable).Instant()
		}
		target = q
	}
	switch p.Type {
	case "stat":
		return d.stat(p.Title, p.Unit, thirdWidth, ds, target)
	case "table":
		return d.table(p.Title, p.Unit, halfWidth, ds, target)
	case "logs":
		return d.logsPanel(p.Title, fullWidth, logsHeight, target).Datasource(ds)
	default: // "timeseries", the schema's default
		return d.timeseries(p.Title, p.Unit, halfWidth, target).Datasource(ds)
	}
}
