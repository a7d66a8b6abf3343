package model

import (
	"fmt"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/presets"
	"github.com/dataopsgen/dataopsgen/presets/servers"
)

// PresetCheck is the name of the check that compares what a spec asks of
// an inference workload with what its server's preset exports.
const PresetCheck = "spec/server"

// resolvePresets sets each inference workload's Preset and reports what
// the spec asks that its server cannot give: names of a custom server given
// to a preset, models for a server without a model label, a quantile of
// counter-shaped latency, an alert on a signal the server does not export,
// settings of an alert that is off, a histogram threshold outside its
// buckets. A server without an error signal is a note, unless the spec
// asks for the error alert.
func (s *Spec) resolvePresets() diag.List {
	var out diag.List
	for _, w := range s.Workloads {
		in := w.Inference
		if in == nil {
			continue
		}
		if in.Server == presets.CustomName || in.Server == "" {
			in.Preset = servers.Custom(servers.CustomNames{
				RequestsMetric: in.RequestsMetric, LatencyMetric: in.LatencyMetric,
				ModelLabel: in.ModelLabel, StatusLabel: in.StatusLabel, ErrorStatus: in.ErrorStatus,
			})
			in.Server = presets.CustomName
		} else {
			in.Preset = servers.ByName(in.Server)
			if in.Preset == nil { // the schema lists the names; a defect otherwise
				out.Add(s.Pos(w.Path("inference", "server")), PresetCheck, "%s: no preset %q", w.Path("inference", "server"), in.Server)
				continue
			}
		}
		out.Append(s.checkPreset(w)...)
	}
	return out
}

func (s *Spec) checkPreset(w *Workload) diag.List {
	var out diag.List
	in, p := w.Inference, w.Inference.Preset
	report := func(path []string, format string, args ...any) {
		full := w.Path(append([]string{"inference"}, path...)...)
		out.Add(s.Pos(full), PresetCheck, "%s: "+format, append([]any{full}, args...)...)
	}
	written := func(path ...string) bool {
		return s.Written(w.Path(append([]string{"inference"}, path...)...))
	}
	server := fmt.Sprintf("server %s (%s)", p.Name, p.Title)

	if !p.Custom() {
		for _, f := range []string{"requestsMetric", "latencyMetric", "modelLabel", "statusLabel", "errorStatus"} {
			if written(f) {
				report([]string{f}, "%s exports its own metrics (presets/servers/%s.go); %s names the metrics of server: \"custom\"", server, p.Name, f)
			}
		}
	}
	if p.ModelLabel == "" && len(in.Models) > 0 {
		report([]string{"models"}, "%s serves one model per server and labels no series with it: leave models out (the workload is the model)", server)
	}

	blocks := map[string][]string{
		"latency":   {"quantile", "threshold", "window", "for", "severity"},
		"errorRate": {"max", "window", "for", "severity"},
		"ttft":      {"quantile", "threshold", "window", "for", "severity"},
		"tpot":      {"quantile", "threshold", "window", "for", "severity"},
		"queue":     {"max", "for", "severity"},
		"kvCache":   {"max", "for", "severity"},
	}
	for _, a := range servers.Alerts(p) {
		enabled := in.alertEnabled(a.Key)
		var set []string
		for _, f := range blocks[a.Key] {
			if written(a.Key, f) {
				set = append(set, f)
			}
		}
		switch {
		case !a.Exported && (enabled || len(set) > 0):
			report([]string{a.Key}, "%s: %s; leave %s out", server, missing(p, a.Key), a.Key)
		case a.Exported && !enabled && !written(a.Key, "enabled") && len(set) > 0:
			report([]string{a.Key}, "the %s alert is off by default for %s (%s): set %s.enabled: true for these settings (%s) to take effect",
				a.Key, server, offWhy(a.Key), a.Key, strings.Join(set, ", "))
		case !a.Exported && a.Key == "errorRate" && !written(a.Key, "enabled"):
			s.Notes.Add(s.Pos(w.Path("inference", "server")), PresetCheck, "%s: workload %s gets no InferenceErrorRateHigh: %s (errorRate: enabled: false says you know)",
				w.Path("inference", "server"), w.Name, p.NoErrors)
		}
	}
	if p.Latency != nil && !p.Latency.Quantiles() && written("latency", "quantile") {
		report([]string{"latency", "quantile"}, "%s. Leave latency.quantile out; latency.threshold is then the average latency the workload tolerates", p.Latency.Why)
	}

	// A quantile threshold must fall within the histogram's buckets.
	check := func(key string, h *presets.Histogram, threshold string, enabled bool) {
		if h == nil || !enabled {
			return
		}
		f := p.Family(h.Family)
		b := f.BucketsSeconds()
		if len(b) == 0 {
			return
		}
		t := Seconds(threshold)
		switch {
		case t < b[0]:
			report([]string{key, "threshold"}, "%s is below the smallest bucket of %s (%s, le=%s): requests faster and slower than it land in one bucket, so the quantile cannot tell them apart",
				threshold, f.Name, p.Name, bound(f, 0))
		case t >= b[len(b)-1]:
			report([]string{key, "threshold"}, "%s is not below the largest bucket of %s (%s, le=%s): histogram_quantile never returns more, so the alert could never fire",
				threshold, f.Name, p.Name, bound(f, len(b)-1))
		}
	}
	if p.Latency.Quantiles() {
		check("latency", p.Latency.Histogram, in.Latency.Threshold, in.Latency.Enabled)
	}
	check("ttft", p.TTFT, in.TTFT.Threshold, in.TTFT.Enabled)
	check("tpot", p.TPOT, in.TPOT.Threshold, in.TPOT.Enabled)
	return out
}

func bound(f *presets.Family, i int) string {
	return fmt.Sprintf("%g", f.Buckets[i])
}

// alertEnabled is the enabled flag of the spec block key.
func (in *Inference) alertEnabled(key string) bool {
	switch key {
	case "latency":
		return in.Latency.Enabled
	case "errorRate":
		return in.ErrorRate.Enabled
	case "ttft":
		return in.TTFT.Enabled
	case "tpot":
		return in.TPOT.Enabled
	case "queue":
		return in.Queue.Enabled
	case "kvCache":
		return in.KVCache.Enabled
	}
	return false
}

// missing says what a server lacks for an alert.
func missing(p *presets.Server, key string) string {
	switch key {
	case "errorRate":
		return p.NoErrors
	case "latency":
		return p.Title + " exports no request latency"
	case "ttft":
		return p.Title + " exports no time-to-first-token histogram"
	case "tpot":
		return p.Title + " exports no time-per-output-token histogram"
	case "queue":
		return p.Title + " exports no count of waiting requests"
	case "kvCache":
		return p.Title + " exports no KV-cache usage"
	}
	return p.Title + " does not export it"
}

func offWhy(key string) string {
	if key == "latency" {
		return "an LLM's end-to-end latency grows with the tokens a request asks for; ttft and tpot alert on its latency"
	}
	return "not on by default"
}
