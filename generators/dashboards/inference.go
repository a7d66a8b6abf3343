package dashboards

import (
	"fmt"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/generators/signals"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
	"github.com/dataopsgen/dataopsgen/presets"
)

// inferenceRow: throughput, the alerted latency (percentile, or average
// where the server exports no histogram) and the error ratio of the
// inference workloads, by workload and model, one panel per group of
// workloads whose server preset (or custom names) and percentile give the
// panel the same query: requests panels, then latency, then error ratio.
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
	d.row("Inference", d.of(inference))
	requestsPanels(d, inference)
	latencyPanels(d, filter(inference, func(w *model.Workload) bool { return w.Inference.Preset.Latency != nil }))
	errorPanels(d, filter(inference, func(w *model.Workload) bool { return w.Inference.Preset.Errors != nil }))
}

func filter(ws []*model.Workload, keep func(*model.Workload) bool) []*model.Workload {
	var out []*model.Workload
	for _, w := range ws {
		if keep(w) {
			out = append(out, w)
		}
	}
	return out
}

// query is the panels' signals.Query of a group: the dashboard's variables,
// the group's workloads (only), their declared models.
func query[K comparable](g *group[K]) signals.Query {
	p := g.workloads[0].Inference.Preset
	q := signals.Query{Server: p, Base: groupPairs(g.only), By: []string{stack.LabelWorkload}, Range: "$__rate_interval", LeFirst: true}
	if p.ModelLabel != "" {
		q.Model = "=~" + alternation(models(g.workloads))
	}
	return q
}

// on names what a group's workloads run, for descriptions: the custom
// names, or the server.
func on(p *presets.Server, custom string) string {
	if p.Custom() {
		return custom
	}
	return "on " + p.Title
}

func requestsPanels(d *board, inference []*model.Workload) {
	requests := groupBy(inference, requestsOf, requestsKey.cmp, func(k requestsKey) string { return k.metric })
	titles := unique(requests, func(k requestsKey) (string, string) {
		t := "Requests: " + k.metric
		return t, t + " by " + k.modelLabel
	})
	for i, g := range requests {
		k, q := g.key, query(g)
		p := q.Server
		d.add(d.timeseries(titles[i], units.RequestsPerSecond, thirdWidth,
			promQuery("A", q.Rate(p.Throughput), legend(p, q.ByModel(p.Throughput...)))).
			Description(fmt.Sprintf("Requests per second by workload and model, for the %s %s (their declared models only).",
				count(g.workloads, "inference workload"), on(p, fmt.Sprintf("with requestsMetric %s and modelLabel %s", k.metric, k.modelLabel)))).
			Min(0), d.of(g.workloads))
	}
}

func latencyPanels(d *board, inference []*model.Workload) {
	latency := groupBy(inference, latencyOf, latencyKey.cmp, func(k latencyKey) string { return k.metric })
	titles := unique(latency, func(k latencyKey) (string, string) {
		t := "P" + percentile(k.quantile) + " latency: " + k.metric
		if k.quantile == 0 {
			t = "Average latency: " + k.metric
		}
		return t, t + " by " + k.modelLabel
	})
	for i, g := range latency {
		k, q := g.key, query(g)
		p := q.Server
		l := p.Latency
		var expr, desc string
		if l.Quantiles() {
			expr = q.Quantile(l.Histogram, k.quantile)
			desc = fmt.Sprintf("P%s of %s by workload and model, for the %s %s (their declared models only). ",
				percentile(k.quantile), k.metric, count(g.workloads, "inference workload"),
				on(p, fmt.Sprintf("with this latencyMetric, modelLabel %s and alerted percentile", k.modelLabel)))
		} else {
			expr = q.Average(l)
			desc = fmt.Sprintf("Average latency (%s over %s, in seconds) by workload and model, for the %s on %s, which exports no latency histogram. ",
				l.Sum.Family, l.Count.Metric(), count(g.workloads, "inference workload"), p.Title)
		}
		byModel := l.Quantiles() && q.HistogramByModel(l.Histogram) || !l.Quantiles() && q.ByModel(*l.Sum, *l.Count)
		pn := d.timeseries(titles[i], units.Seconds, thirdWidth, promQuery("A", expr, legend(p, byModel))).Min(0)
		alerted := filter(g.workloads, func(w *model.Workload) bool { return w.Inference.Latency.Enabled })
		desc += thresholdOf(pn, alerted, func(w *model.Workload) float64 { return model.Seconds(w.Inference.Latency.Threshold) }, seconds, rules.HighInferenceLatency)
		d.add(pn.Description(desc), d.of(g.workloads))
	}
}

func errorPanels(d *board, inference []*model.Workload) {
	errs := groupBy(inference, errorsOf, errorsKey.cmp, func(k errorsKey) string { return k.metric })
	titles := unique(errs, func(k errorsKey) (string, string) {
		t := "Error ratio: " + k.metric
		if k.statusLabel != "" {
			return t, t + sel(k.statusLabel, k.errorStatus) + " by " + k.modelLabel
		}
		return t, t + " (" + k.failed + ") by " + k.modelLabel
	})
	for i, g := range errs {
		k, q := g.key, query(g)
		p := q.Server
		pn := d.timeseries(titles[i], units.PercentUnit, thirdWidth, promQuery("A", q.ErrorRatio(p.Errors, " / "), legend(p, q.ErrorsByModel(p.Errors)))).Min(0)
		desc := fmt.Sprintf("Share of the requests (%s) with %s=%q by workload and model, for the %s with these names (their declared models only). ",
			k.metric, k.statusLabel, k.errorStatus, count(g.workloads, "inference workload"))
		if !p.Custom() {
			desc = fmt.Sprintf("Share of the requests that %s (%s over %s), for the %s on %s. ",
				p.Errors.What, k.failed, k.metric, count(g.workloads, "inference workload"), p.Title)
		}
		alerted := filter(g.workloads, func(w *model.Workload) bool { return w.Inference.ErrorRate.Enabled })
		desc += thresholdOf(pn, alerted, func(w *model.Workload) float64 { return w.Inference.ErrorRate.Max }, percent, rules.InferenceErrorRateHigh)
		d.add(pn.Description(desc), d.of(g.workloads))
	}
}

// legend is the series' name: workload and, where the signal is split by
// model, the model.
func legend(p *presets.Server, byModel bool) string {
	if !byModel {
		return "{{" + stack.LabelWorkload + "}}"
	}
	return "{{" + stack.LabelWorkload + "}} {{" + p.ModelLabel + "}}"
}

// unique returns each group's short title, or its long one where two
// groups' short titles are the same.
func unique[K comparable](gs []*group[K], title func(K) (short, long string)) []string {
	seen := map[string]int{}
	for _, g := range gs {
		short, _ := title(g.key)
		seen[short]++
	}
	out := make([]string, len(gs))
	for i, g := range gs {
		short, long := title(g.key)
		out[i] = short
		if seen[short] > 1 {
			out[i] = long
		}
	}
	return out
}

// count is "1 <noun>" or "<n> <noun>s".
func count(ws []*model.Workload, noun string) string {
	if len(ws) == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", len(ws), noun)
}

func seconds(v float64) string { return time.Duration(v * float64(time.Second)).String() }
func percent(v float64) string { return percentile(v) + "%" }

// thresholdOf draws the threshold of the alerted workloads of a group when
// they share it, and says so or why not.
func thresholdOf(p *timeseries.PanelBuilder, alerted []*model.Workload, f func(*model.Workload) float64, format func(float64) string, alert string) string {
	if len(alerted) == 0 {
		return fmt.Sprintf("Their %s alert is off: no threshold line is drawn.", alert)
	}
	lo, hi := span(alerted, f)
	return threshold(p, lo, hi, format, alert)
}

// threshold draws the group's alert threshold when its workloads share it;
// when they do not, a single line would be wrong for some of them, so the
// returned description says where the thresholds are instead.
func threshold(p *timeseries.PanelBuilder, lo, hi float64, format func(float64) string, alert string) string {
	if lo == hi {
		withThreshold(p, lo)
		return fmt.Sprintf("Dashed line: their %s threshold, %s.", alert, format(lo))
	}
	return fmt.Sprintf("Their %s thresholds differ per workload (from %s to %s) and are in the alert rules: no threshold line is drawn.",
		alert, format(lo), format(hi))
}
