package ruletests

import (
	"fmt"
	"strings"
	"testing"
	"time"

	prommodel "github.com/prometheus/common/model"

	"github.com/dataopsgen/dataopsgen/internal/slo"
	"github.com/dataopsgen/dataopsgen/presets"
	"github.com/dataopsgen/dataopsgen/presets/servers"
)

// presetSLOSpec has a workload on every server preset and an SLO on each
// SLI the preset offers: availability where it counts failures, latency on
// each of its histograms (request, time to first token, time per output
// token) at one of the bucket bounds its server fixes (NIM's, not
// published, declared).
func presetSLOSpec() (string, int) {
	var b strings.Builder
	b.WriteString("stack: prometheus: retention: \"30d\"\nworkloads: {\n")
	var slos []string
	for _, p := range servers.All() {
		if p.Custom() {
			continue
		}
		models := ""
		if p.ModelLabel != "" {
			models = `, models: ["m1"]`
		}
		fmt.Fprintf(&b, "\t%q: {kind: \"inference\", namespace: \"ns\", inference: {server: %q%s}}\n", p.Name, p.Name, models)
		if p.Errors != nil {
			slos = append(slos, fmt.Sprintf("%q: {workload: %q, objective: 99.9, sli: availability: {}}", p.Name+"-availability", p.Name))
		}
		for _, sh := range []struct {
			signal string
			h      *presets.Histogram
		}{{"request", latencyHistogram(p)}, {"ttft", p.TTFT}, {"tpot", p.TPOT}} {
			signal, h := sh.signal, sh.h
			if h == nil {
				continue
			}
			f := p.Family(h.Family)
			threshold, buckets := "1s", ", buckets: [0.5, 1, 2]"
			if len(f.Buckets) > 0 {
				// The first bound that is a whole number of milliseconds.
				for _, bound := range f.Buckets[len(f.Buckets)/3:] {
					d := time.Duration(bound / f.Unit.PerSecond() * float64(time.Second))
					if d%time.Millisecond == 0 {
						threshold, buckets = prommodel.Duration(d).String(), ""
						break
					}
				}
			}
			slos = append(slos, fmt.Sprintf("%q: {workload: %q, objective: 99, sli: latency: {signal: %q, threshold: %q%s}}",
				p.Name+"-"+signal, p.Name, signal, threshold, buckets))
		}
	}
	b.WriteString("}\nslos: {\n\t" + strings.Join(slos, "\n\t") + "\n}\n")
	return b.String(), len(slos)
}

func latencyHistogram(p *presets.Server) *presets.Histogram {
	if p.Latency.Quantiles() {
		return p.Latency.Histogram
	}
	return nil
}

// TestEveryPresetSLO: every SLI a server preset offers compiles and its
// generated tests pass, in-process and under promtool (the series named, labelled and summed as the
// preset says: Triton's and TorchServe's sums of counters, TGI's failures
// of another counter than its requests, histograms in ms).
func TestEveryPresetSLO(t *testing.T) {
	src, n := presetSLOSpec()
	s := specOf(t, src)
	if got := len(slo.Plans(s)); got != n {
		for _, o := range s.SLOs {
			if _, probs := slo.Resolve(s, o); probs != nil {
				t.Errorf("%s: %v", o.Name, probs)
			}
		}
		t.Fatalf("%d of %d SLOs compile", got, n)
	}
	files := sloFilesOf(t, s)
	if len(files) < 2*n {
		t.Fatalf("%d SLO files for %d SLOs", len(files), n)
	}
	for _, f := range runTests(files) {
		t.Error(f.String())
	}
	if u := UncoveredAlerts(s); len(u) > 0 {
		t.Errorf("alerts without tests: %v", u)
	}
	promtoolCheck(t, files)
	t.Logf("%d SLOs on %d workloads", n, len(s.Workloads))
}
