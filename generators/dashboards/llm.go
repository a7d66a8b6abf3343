package dashboards

import (
	"cmp"
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/units"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/generators/signals"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
	"github.com/dataopsgen/dataopsgen/presets"
)

// llmRow: the token-streaming signals of the LLM servers that export
// them — time to first token and time per output token (the alerted
// percentile), tokens per second, requests waiting and KV-cache usage per
// pod, preemptions — one panel per group of workloads with the same server
// (and percentile), as the inference row. Its panels show every model the
// servers report (no filter on the declared ones: an alternation of every
// model of every workload in each panel would grow the dashboard with the
// spec).
func llmRow(d *board, s *model.Spec) {
	var llm []*model.Workload
	for _, w := range s.Workloads {
		if in := w.Inference; in != nil && w.Kind == model.KindInference && exportsLLM(in.Preset) {
			llm = append(llm, w)
		}
	}
	if len(llm) == 0 {
		return
	}
	d.row("LLM serving", d.of(llm))
	tokenLatencyPanels(d, llm, "time to first token", rules.HighTimeToFirstToken,
		func(p *presets.Server) *presets.Histogram { return p.TTFT },
		func(in *model.Inference) model.QuantileAlert { return in.TTFT })
	tokenLatencyPanels(d, llm, "time per output token", rules.HighTimePerOutputToken,
		func(p *presets.Server) *presets.Histogram { return p.TPOT },
		func(in *model.Inference) model.QuantileAlert { return in.TPOT })
	tokenPanels(d, llm)
	gaugePanels(d, llm, "Requests waiting", units.Short, rules.InferenceQueueBacklog,
		func(p *presets.Server) *presets.Gauge { return p.Queue },
		func(in *model.Inference) model.GaugeAlert { return in.Queue }, num)
	gaugePanels(d, llm, "KV cache usage", units.PercentUnit, rules.KVCacheNearlyFull,
		func(p *presets.Server) *presets.Gauge { return p.KVCache },
		func(in *model.Inference) model.GaugeAlert { return in.KVCache }, percent)
	preemptionPanels(d, llm)
}

// exportsLLM: the server exports a token-streaming signal.
func exportsLLM(p *presets.Server) bool {
	return p.TTFT != nil || p.TPOT != nil || p.Queue != nil || p.KVCache != nil || len(p.GenerationTokens) > 0 || len(p.Preemptions) > 0
}

// signalKey groups the workloads whose panel reads the same family (with
// the same model label and percentile).
type signalKey struct {
	metric, modelLabel string
	quantile           float64
}

func (a signalKey) cmp(b signalKey) int {
	return cmp.Or(cmp.Compare(a.metric, b.metric), cmp.Compare(a.modelLabel, b.modelLabel), cmp.Compare(a.quantile, b.quantile))
}

func metricOf(k signalKey) string { return k.metric }

// bySignal groups the workloads whose server exports the signal metric
// names ("" when it has none) by that metric and model label, and titles
// each group "title: metric" (with " by <model label>" where two groups
// share a metric).
func bySignal(ws []*model.Workload, title string, metric func(*presets.Server) string) ([]*group[signalKey], []string) {
	ws = filter(ws, func(w *model.Workload) bool { return metric(w.Inference.Preset) != "" })
	gs := groupBy(ws, func(w *model.Workload) signalKey {
		p := w.Inference.Preset
		return signalKey{metric: metric(p), modelLabel: p.ModelLabel}
	}, signalKey.cmp, metricOf)
	titles := unique(gs, func(k signalKey) (string, string) {
		t := title + ": " + k.metric
		return t, t + " by " + k.modelLabel
	})
	return gs, titles
}

func tokenLatencyPanels(d *board, ws []*model.Workload, what, alert string,
	histogram func(*presets.Server) *presets.Histogram, spec func(*model.Inference) model.QuantileAlert) {
	ws = filter(ws, func(w *model.Workload) bool { return histogram(w.Inference.Preset) != nil })
	gs := groupBy(ws, func(w *model.Workload) signalKey {
		return signalKey{histogram(w.Inference.Preset).Family, w.Inference.Preset.ModelLabel, spec(w.Inference).Quantile}
	}, signalKey.cmp, metricOf)
	titles := unique(gs, func(k signalKey) (string, string) {
		t := "P" + percentile(k.quantile) + " " + what + ": " + k.metric
		return t, t + " by " + k.modelLabel
	})
	for i, g := range gs {
		q := llmQuery(g)
		h := histogram(q.Server)
		p := d.timeseries(titles[i], units.Seconds, thirdWidth, promQuery("A", q.Quantile(h, g.key.quantile), legend(q.Server, q.HistogramByModel(h)))).Min(0)
		desc := fmt.Sprintf("P%s %s (%s) by workload and model, for the %s on %s. ",
			percentile(g.key.quantile), what, h.Family, count(g.workloads, "LLM workload"), q.Server.Title)
		alerted := filter(g.workloads, func(w *model.Workload) bool { return spec(w.Inference).Enabled })
		desc += thresholdOf(p, alerted, func(w *model.Workload) float64 { return model.Seconds(spec(w.Inference).Threshold) }, seconds, alert)
		d.add(p.Description(desc), d.of(g.workloads))
	}
}

// tokenPanels: prompt and generation tokens per second.
func tokenPanels(d *board, ws []*model.Workload) {
	gs, titles := bySignal(ws, "Tokens/s", func(p *presets.Server) string {
		if len(p.GenerationTokens) == 0 {
			return ""
		}
		return p.GenerationTokens.Describe()
	})
	for i, g := range gs {
		q := llmQuery(g)
		p := q.Server
		var targets []cog.Builder[variants.Dataquery]
		if len(p.PromptTokens) > 0 {
			targets = append(targets, promQuery("A", q.Rate(p.PromptTokens), legend(p, q.ByModel(p.PromptTokens...))+" prompt"))
		}
		targets = append(targets, promQuery("B", q.Rate(p.GenerationTokens), legend(p, q.ByModel(p.GenerationTokens...))+" generated"))
		pn := d.timeseries(titles[i], units.Short, thirdWidth, targets...).AxisLabel("tokens/s").Min(0)
		d.add(pn.Description(fmt.Sprintf("Prompt tokens processed and tokens generated per second (%s), by workload and model, for the %s on %s.",
			joinCounters(p.PromptTokens, p.GenerationTokens), count(g.workloads, "LLM workload"), p.Title)), d.of(g.workloads))
	}
}

func joinCounters(a, b presets.Counter) string {
	if len(a) == 0 {
		return b.Describe()
	}
	return a.Describe() + ", " + b.Describe()
}

// gaugePanels: a gauge per pod (as its alert reads it), with the alert's
// maximum as threshold line.
func gaugePanels(d *board, ws []*model.Workload, title, unit, alert string,
	gauge func(*presets.Server) *presets.Gauge, spec func(*model.Inference) model.GaugeAlert, format func(float64) string) {
	gs, titles := bySignal(ws, title, func(p *presets.Server) string {
		if g := gauge(p); g != nil {
			return g.Family
		}
		return ""
	})
	for i, g := range gs {
		q := llmQuery(g)
		gg := gauge(q.Server)
		lg := "{{" + stack.LabelPod + "}}"
		if q.GaugeByModel(gg) {
			lg += " {{" + q.Server.ModelLabel + "}}"
		}
		p := d.timeseries(titles[i], unit, thirdWidth, promQuery("A", q.Gauge(gg, stack.LabelPod), lg)).Min(0)
		if unit == units.PercentUnit {
			p.Max(1)
		}
		desc := fmt.Sprintf("%s (%s, the %s of each pod's series) by pod and model, for the %s on %s. ",
			title, gg.Family, gg.Aggregate, count(g.workloads, "LLM workload"), q.Server.Title)
		alerted := filter(g.workloads, func(w *model.Workload) bool { return spec(w.Inference).Enabled })
		desc += thresholdOf(p, alerted, func(w *model.Workload) float64 { return spec(w.Inference).Max }, format, alert)
		d.add(p.Description(desc), d.of(g.workloads))
	}
}

func preemptionPanels(d *board, ws []*model.Workload) {
	gs, titles := bySignal(ws, "Preemptions/s", func(p *presets.Server) string {
		if len(p.Preemptions) == 0 {
			return ""
		}
		return p.Preemptions.Describe()
	})
	for i, g := range gs {
		q := llmQuery(g)
		p := q.Server
		d.add(d.timeseries(titles[i], units.Short, thirdWidth, promQuery("A", q.Rate(p.Preemptions), legend(p, q.ByModel(p.Preemptions...)))).
			Min(0).
			Description(fmt.Sprintf("Requests preempted per second (%s: evicted from a full KV cache, to be recomputed), by workload and model, for the %s on %s.",
				p.Preemptions.Describe(), count(g.workloads, "LLM workload"), p.Title)), d.of(g.workloads))
	}
}

func num(v float64) string { return float(v) }

// llmQuery is query without the model filter.
func llmQuery[K comparable](g *group[K]) signals.Query {
	q := query(g)
	q.Model = ""
	return q
}
