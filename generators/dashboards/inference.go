package dashboards

import (
	"fmt"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// inferenceRow: throughput, the alerted latency percentile and the error
// ratio of the inference workloads, by workload and model, one panel per
// group of workloads that declare the same metric and label names (and
// percentile): requests panels, then latency, then error ratio.
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
	requestsPanels(d, inference)
	latencyPanels(d, inference)
	errorPanels(d, inference)
}

func requestsPanels(d *board, inference []*model.Workload) {
	requests := groupBy(inference, requestsOf, requestsKey.cmp, func(k requestsKey) string { return k.metric })
	titles := unique(requests, func(k requestsKey) (string, string) {
		t := "Requests: " + k.metric
		return t, t + " by " + k.modelLabel
	})
	for i, g := range requests {
		k := g.key
		all := groupSel(g.only, k.modelLabel, "=~"+alternation(models(g.workloads)))
		d.add(d.timeseries(titles[i], units.RequestsPerSecond, thirdWidth,
			promQuery("A", by(k.modelLabel)+"("+rate(k.metric, all)+")", legend(k.modelLabel))).
			Description(fmt.Sprintf("Requests per second by workload and model, for the %s with requestsMetric %s and modelLabel %s (their declared models only).",
				count(g.workloads, "inference workload"), k.metric, k.modelLabel)).
			Min(0))
	}
}

func latencyPanels(d *board, inference []*model.Workload) {
	latency := groupBy(inference, latencyOf, latencyKey.cmp, func(k latencyKey) string { return k.metric })
	titles := unique(latency, func(k latencyKey) (string, string) {
		t := "P" + percentile(k.quantile) + " latency: " + k.metric
		return t, t + " by " + k.modelLabel
	})
	for i, g := range latency {
		k := g.key
		all := groupSel(g.only, k.modelLabel, "=~"+alternation(models(g.workloads)))
		expr := fmt.Sprintf("histogram_quantile(%s, sum by (le, %s, %s) (%s))",
			float(k.quantile), stack.LabelWorkload, k.modelLabel, rate(k.metric+"_bucket", all))
		p := d.timeseries(titles[i], units.Seconds, thirdWidth, promQuery("A", expr, legend(k.modelLabel))).Min(0)
		lo, hi := span(g.workloads, func(w *model.Workload) float64 { return model.Seconds(w.Inference.Latency.Threshold) })
		desc := fmt.Sprintf("P%s of %s by workload and model, for the %s with this latencyMetric, modelLabel %s and alerted percentile (their declared models only). ",
			percentile(k.quantile), k.metric, count(g.workloads, "inference workload"), k.modelLabel)
		desc += threshold(p, lo, hi, seconds, rules.HighInferenceLatency)
		d.add(p.Description(desc))
	}
}

func errorPanels(d *board, inference []*model.Workload) {
	errs := groupBy(inference, errorsOf, errorsKey.cmp, func(k errorsKey) string { return k.metric })
	titles := unique(errs, func(k errorsKey) (string, string) {
		t := "Error ratio: " + k.metric
		return t, t + sel(k.statusLabel, k.errorStatus) + " by " + k.modelLabel
	})
	for i, g := range errs {
		k := g.key
		declared := []string{k.modelLabel, "=~" + alternation(models(g.workloads))}
		all := groupSel(g.only, declared...)
		failed := groupSel(g.only, append(declared, k.statusLabel, k.errorStatus)...)
		ratio := by(k.modelLabel) + "(" + rate(k.metric, failed) + ") / " + by(k.modelLabel) + "(" + rate(k.metric, all) + ")"
		p := d.timeseries(titles[i], units.PercentUnit, thirdWidth, promQuery("A", ratio, legend(k.modelLabel))).Min(0)
		lo, hi := span(g.workloads, func(w *model.Workload) float64 { return w.Inference.ErrorRate.Max })
		desc := fmt.Sprintf("Share of the requests (%s) with %s=%q by workload and model, for the %s with these names (their declared models only). ",
			k.metric, k.statusLabel, k.errorStatus, count(g.workloads, "inference workload"))
		desc += threshold(p, lo, hi, percent, rules.InferenceErrorRateHigh)
		d.add(p.Description(desc))
	}
}

// by is the aggregation of the inference panels: one series per workload
// and model, as the alerts (which also keep the namespace, implied by the
// workload).
func by(modelLabel string) string {
	return "sum by (" + stack.LabelWorkload + ", " + modelLabel + ") "
}

func legend(modelLabel string) string {
	return "{{" + stack.LabelWorkload + "}} {{" + modelLabel + "}}"
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
