package dashboards

import (
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/units"

	"github.com/dataopsgen/dataopsgen/internal/model"
)

// inferenceRow: per inference workload, throughput, the alerted latency
// percentile and the error ratio, each by model and with the alert's
// threshold drawn, using the metric and label names the workload declares.
func inferenceRow(d *board, s *model.Spec) {
	var inference []*model.Workload
	for _, w := range s.Workloads {
		if w.Kind == model.KindInference && w.Inference != nil {
			inference = append(inference, w)
		}
	}
	if len(inference) == 0 {
		return
	}
	d.row("Inference")
	for _, w := range inference {
		inf := w.Inference
		// Only the models the spec declares, as the alerts do.
		models := []string{inf.ModelLabel, "=~" + alternation(inf.Models)}
		all := workloadSel(w.Name, models...)
		errs := workloadSel(w.Name, append(models, inf.StatusLabel, inf.ErrorStatus)...)
		by := "sum by (" + inf.ModelLabel + ") "
		legend := "{{" + inf.ModelLabel + "}}"

		d.add(d.timeseries(w.Name+": requests", units.RequestsPerSecond, thirdWidth,
			promQuery("A", by+"("+rate(inf.RequestsMetric, all)+")", legend)).
			Min(0))

		q := inf.Latency.Quantile
		latency := fmt.Sprintf("histogram_quantile(%s, sum by (le, %s) (%s))",
			float(q), inf.ModelLabel, rate(inf.LatencyMetric+"_bucket", all))
		d.add(withThreshold(d.timeseries(w.Name+": P"+percentile(q)+" latency", units.Seconds, thirdWidth,
			promQuery("A", latency, legend)).Min(0),
			model.Seconds(inf.Latency.Threshold)))

		ratio := by + "(" + rate(inf.RequestsMetric, errs) + ") / " + by + "(" + rate(inf.RequestsMetric, all) + ")"
		d.add(withThreshold(d.timeseries(w.Name+": error ratio", units.PercentUnit, thirdWidth,
			promQuery("A", ratio, legend)).Min(0),
			inf.ErrorRate.Max))
	}
}

// logsRow: the selected pods' logs; the log collector attaches namespace,
// pod, container and workload to every stream.
func logsRow(d *board) {
	d.row("Logs")
	d.add(d.logsPanel("Logs", fullWidth, logsHeight,
		lokiQuery("A", podSel(), "")))
}

// extraRow appends the spec's extraPanels, in order, as written: their
// queries are the user's and are not rewritten.
func extraRow(d *board, s *model.Spec) {
	if len(s.ExtraPanels) == 0 {
		return
	}
	d.row("Extra")
	for _, p := range s.ExtraPanels {
		d.add(extraPanel(d, p))
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
