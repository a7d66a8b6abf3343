package servers

import (
	"fmt"
	"strings"

	"github.com/dataopsgen/dataopsgen/presets"
)

// MarkdownTable is the README's table of presets: per server, its metrics
// endpoint, model label, and the metrics each alert reads (— where the
// server does not export the signal). A test keeps the README's copy
// fresh.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| `server:` | metrics | model label | `HighInferenceLatency` | `InferenceErrorRateHigh` | `HighTimeToFirstToken` | `HighTimePerOutputToken` | `InferenceQueueBacklog` | `KVCacheNearlyFull` |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, p := range All() {
		port := fmt.Sprintf("`:%d%s`", p.Metrics.Port, p.Metrics.Path)
		if p.Metrics.PortName != "" {
			port = fmt.Sprintf("port `%s`, `%s`", p.Metrics.PortName, p.Metrics.Path)
		}
		for _, s := range p.Setup {
			setup, _, _ := strings.Cut(s, " (")
			port += "; needs " + setup
		}
		model := "—"
		if p.ModelLabel != "" {
			model = "`" + p.ModelLabel + "`"
		}
		fmt.Fprintf(&b, "| `%s` (%s) | %s | %s | %s | %s | %s | %s | %s | %s |\n", p.Name, p.Title, port, model,
			latencyCell(p), errorsCell(p), histogramCell(p.TTFT, p.TTFT != nil), histogramCell(p.TPOT, p.TPOT != nil),
			gaugeCell(p.Queue), gaugeCell(p.KVCache))
	}
	return b.String()
}

// code is s in a code span, its pipes escaped for the table.
func code(s string) string { return "`" + strings.ReplaceAll(s, "|", `\|`) + "`" }

func counterCell(c presets.Counter) string {
	parts := strings.Split(c.Describe(), " + ")
	for i := range parts {
		parts[i] = code(parts[i])
	}
	return strings.Join(parts, " + ")
}

func latencyCell(p *presets.Server) string {
	l := p.Latency
	if l == nil {
		return "—"
	}
	off := ""
	if !p.LatencyAlert {
		off = " (off by default)"
	}
	if l.Quantiles() {
		f := p.Family(l.Histogram.Family)
		unit := ""
		if f.Unit != presets.Seconds {
			unit = ", " + string(f.Unit)
		}
		return "quantile of " + code(l.Histogram.Family) + unit + off
	}
	f := p.Family(l.Sum.Family)
	return fmt.Sprintf("average: %s / %s, %s%s", code(l.Sum.Family), code(l.Count.Metric()), f.Unit, off)
}

func errorsCell(p *presets.Server) string {
	if p.Errors == nil {
		return "— (no failure counter)"
	}
	return counterCell(p.Errors.Failed) + " / " + counterCell(p.Errors.Total)
}

func histogramCell(h *presets.Histogram, ok bool) string {
	if !ok {
		return "—"
	}
	return "quantile of " + code(h.Family)
}

func gaugeCell(g *presets.Gauge) string {
	if g == nil {
		return "—"
	}
	return g.Aggregate + " of " + code(g.Family) + " per pod"
}
