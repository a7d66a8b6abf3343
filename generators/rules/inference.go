package rules

import (
	"fmt"
	"math"
	"strings"

	"github.com/dataopsgen/dataopsgen/generators/signals"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
	"github.com/dataopsgen/dataopsgen/presets"
)

// Alerts of the LLM serving signals, where the server exports them.
const (
	HighTimeToFirstToken   = "HighTimeToFirstToken"
	HighTimePerOutputToken = "HighTimePerOutputToken"
	InferenceQueueBacklog  = "InferenceQueueBacklog"
	KVCacheNearlyFull      = "KVCacheNearlyFull"
)

// inferenceAlerts are the alerts of an inference workload, each reading
// the metrics of the workload's server preset (signals renders them).
func inferenceAlerts(w *model.Workload) []alert {
	in, p := w.Inference, w.Inference.Preset
	q := signals.Query{Server: p, Base: stack.WorkloadMatchers(w), By: []string{stack.LabelNamespace, stack.LabelWorkload}}
	if p.ModelLabel != "" {
		q.Model = oneOf(in.Models)
	}
	upSel := sel(w)
	out := []alert{{
		name: InferenceServiceDown,
		// up vanishes with the pods: absent() covers "every pod is gone",
		// the sum covers "pods exist but none answers". Both halves carry
		// the same labels (namespace, workload) so Alertmanager sees one alert.
		expr:     fmt.Sprintf("sum by (namespace, workload) (up%s) == 0\nor\nabsent(up%s)", upSel, upSel),
		forDur:   in.Down.For,
		severity: in.Down.Severity,
		summary:  "Inference service {{ $labels.workload }} is down in namespace {{ $labels.namespace }}",
		description: fmt.Sprintf("No pod of inference workload %s (%s) has answered a scrape for %s: "+
			"every pod is gone, not ready or failing its metrics endpoint.", w.Name, servedWhat(w), in.Down.For),
		source: w.Path("inference", "down"),
	}}
	if l := p.Latency; l != nil && in.Latency.Enabled {
		out = append(out, latencyAlert(w, q, l))
	}
	if e := p.Errors; e != nil && in.ErrorRate.Enabled {
		out = append(out, errorAlert(w, q, e))
	}
	for _, t := range []struct {
		name, what string
		h          *presets.Histogram
		spec       model.QuantileAlert
		key        string
	}{
		{HighTimeToFirstToken, "time to first token", p.TTFT, in.TTFT, "ttft"},
		{HighTimePerOutputToken, "time per output token", p.TPOT, in.TPOT, "tpot"},
	} {
		if t.h != nil && t.spec.Enabled {
			out = append(out, tokenAlert(w, q, t.name, t.what, t.h, t.spec, t.key))
		}
	}
	if g := p.Queue; g != nil && in.Queue.Enabled {
		out = append(out, gaugeAlert(w, q, InferenceQueueBacklog, g, in.Queue, "queue",
			"{{ $value }} requests of %s are waiting on pod {{ $labels.pod }}",
			"{{ $value }} requests of %s are waiting for the engine of pod {{ $labels.pod }} in namespace {{ $labels.namespace }}, "+
				"and more than %s have been waiting for %s: the pod cannot keep up; add replicas or capacity. From %s.",
			num))
	}
	if g := p.KVCache; g != nil && in.KVCache.Enabled {
		out = append(out, gaugeAlert(w, q, KVCacheNearlyFull, g, in.KVCache, "kvCache",
			"KV cache of %s is {{ $value | humanizePercentage }} full on pod {{ $labels.pod }}",
			"The KV cache of %s on pod {{ $labels.pod }} in namespace {{ $labels.namespace }} has been over %s full for %s "+
				"(now {{ $value | humanizePercentage }}): the engine preempts running requests to make room, and latency grows. From %s.",
			func(v float64) string { return num(math.Round(v*100*1000)/1000) + "%" }))
	}
	return out
}

// servedWhat is "models: a, b" or "server TGI" for the down alert.
func servedWhat(w *model.Workload) string {
	in := w.Inference
	if len(in.Models) > 0 {
		return "models: " + strings.Join(in.Models, ", ")
	}
	return in.Preset.Title
}

// subject names what an alert is about in its texts: the model label of
// the series when the signal is split by model, else the workload.
func subject(byModel bool, p *presets.Server, w *model.Workload) (short, long string) {
	if byModel {
		return "model {{ $labels." + p.ModelLabel + " }}", fmt.Sprintf("model {{ $labels.%s }} served by %s", p.ModelLabel, w.Name)
	}
	return "workload " + w.Name, "workload " + w.Name
}

func latencyAlert(w *model.Workload, q signals.Query, l *presets.Latency) alert {
	in, p := w.Inference, w.Inference.Preset
	q.Range = in.Latency.Window
	a := alert{forDur: in.Latency.For, severity: in.Latency.Severity, name: HighInferenceLatency, source: w.Path("inference", "latency")}
	threshold := num(model.Seconds(in.Latency.Threshold))
	if l.Quantiles() {
		pct := percentile(in.Latency.Quantile)
		short, long := subject(q.HistogramByModel(l.Histogram), p, w)
		a.expr = q.Quantile(l.Histogram, in.Latency.Quantile) + "\n> " + threshold
		a.summary = fmt.Sprintf("P%s latency of %s is {{ $value | humanizeDuration }}", pct, short)
		a.description = fmt.Sprintf("P%s latency of %s in namespace {{ $labels.namespace }} "+
			"has been above %s for %s (now {{ $value | humanizeDuration }}).", pct, long, in.Latency.Threshold, in.Latency.For)
		if !p.Custom() {
			a.description += fmt.Sprintf(" From %s's %s.", p.Title, l.Histogram.Family)
		}
		return a
	}
	short, long := subject(q.ByModel(*l.Sum, *l.Count), p, w)
	a.expr = q.Average(l) + "\n> " + threshold
	a.summary = fmt.Sprintf("Average latency of %s is {{ $value | humanizeDuration }}", short)
	a.description = fmt.Sprintf("The average latency of %s in namespace {{ $labels.namespace }} has been above %s for %s "+
		"(now {{ $value | humanizeDuration }}). From %s's %s over %s: the server exports no latency histogram, so no percentile.",
		long, in.Latency.Threshold, in.Latency.For, p.Title, l.Sum.Family, l.Count.Metric())
	return a
}

func errorAlert(w *model.Workload, q signals.Query, e *presets.ErrorRatio) alert {
	in, p := w.Inference, w.Inference.Preset
	q.Range = in.ErrorRate.Window
	short, long := subject(q.ErrorsByModel(e), p, w)
	return alert{
		name:     InferenceErrorRateHigh,
		expr:     q.ErrorRatio(e, "\n/\n") + "\n> " + num(in.ErrorRate.Max),
		forDur:   in.ErrorRate.For,
		severity: in.ErrorRate.Severity,
		summary:  fmt.Sprintf("{{ $value | humanizePercentage }} of requests to %s fail", short),
		description: fmt.Sprintf("{{ $value | humanizePercentage }} of the requests to %s in namespace "+
			"{{ $labels.namespace }} %s over the last %s (allowed: %s).", long, stack.TemplateLiteral(e.What),
			in.ErrorRate.Window, num(in.ErrorRate.Max*100)+"%"),
		source: w.Path("inference", "errorRate"),
	}
}

func tokenAlert(w *model.Workload, q signals.Query, name, what string, h *presets.Histogram, spec model.QuantileAlert, key string) alert {
	p := w.Inference.Preset
	q.Range = spec.Window
	short, long := subject(q.HistogramByModel(h), p, w)
	pct := percentile(spec.Quantile)
	return alert{
		name:     name,
		expr:     q.Quantile(h, spec.Quantile) + "\n> " + num(model.Seconds(spec.Threshold)),
		forDur:   spec.For,
		severity: spec.Severity,
		summary:  fmt.Sprintf("P%s %s of %s is {{ $value | humanizeDuration }}", pct, what, short),
		description: fmt.Sprintf("P%s %s of %s in namespace {{ $labels.namespace }} has been above %s for %s "+
			"(now {{ $value | humanizeDuration }}). From %s's %s.", pct, what, long, spec.Threshold, spec.For, p.Title, h.Family),
		source: w.Path("inference", key),
	}
}

func gaugeAlert(w *model.Workload, q signals.Query, name string, g *presets.Gauge, spec model.GaugeAlert, key, summary, description string, format func(float64) string) alert {
	p := w.Inference.Preset
	short, _ := subject(q.GaugeByModel(g), p, w)
	return alert{
		name:        name,
		expr:        q.Gauge(g, stack.LabelPod) + "\n> " + num(spec.Max),
		forDur:      spec.For,
		severity:    spec.Severity,
		summary:     fmt.Sprintf(summary, short),
		description: fmt.Sprintf(description, short, format(spec.Max), spec.For, p.Title+"'s "+g.Family),
		source:      w.Path("inference", key),
	}
}

// percentile renders a quantile as a percentile: 0.95 -> "95" (rounded:
// 0.57*100 is 56.99999999999999).
func percentile(q float64) string { return num(math.Round(q*100*1000) / 1000) }
