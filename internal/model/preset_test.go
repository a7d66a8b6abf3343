package model

import (
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/presets"
)

func decodeSrc(t *testing.T, src string) (*Spec, []string) {
	t.Helper()
	res, diags := load.Files([]load.File{{Name: "s.cue", Data: []byte("apiVersion: \"dataopsgen.dev/v1alpha1\"\n" + src)}})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	s, diags := Decode(res)
	var out []string
	for _, d := range diags {
		out = append(out, d.String())
	}
	return s, out
}

// What a spec asks of a server that its preset cannot give is refused, at
// the user's field, saying why; every problem at once.
func TestPresetChecks(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      []string // prefixes of the diagnostics, in order
	}{{
		name: "a percentile of Triton's counter latency",
		src: `workloads: v: {kind: "inference", namespace: "ml", inference: {server: "triton", models: ["m"],
	latency: {quantile: 0.95, threshold: "200ms"}}}`,
		want: []string{"s.cue:3:12: spec/server: workloads.v.inference.latency.quantile: Triton exports its request durations as cumulative counters of microseconds"},
	}, {
		name: "the error alert of a server without failures",
		src: `workloads: k: {kind: "inference", namespace: "ml", inference: {server: "kserve", models: ["m"],
	errorRate: max: 0.01}}`,
		want: []string{
			"s.cue:3:2: spec/server: workloads.k.inference.errorRate: server kserve (KServe model server): KServe's model server exports latency histograms only",
		},
	}, {
		name: "custom names and models on a preset without a model label",
		src:  `workloads: g: {kind: "inference", namespace: "ml", inference: {server: "tgi", models: ["a"], requestsMetric: "x"}}`,
		want: []string{
			"s.cue:2:79: spec/server: workloads.g.inference.models: server tgi (Text Generation Inference) serves one model per server",
			"s.cue:2:94: spec/server: workloads.g.inference.requestsMetric: server tgi (Text Generation Inference) exports its own metrics",
		},
	}, {
		name: "settings of an alert off by default, thresholds outside the buckets",
		src: `workloads: c: {kind: "inference", namespace: "ml", inference: {server: "vllm", models: ["m"],
	latency: threshold: "30s", tpot: threshold: "5ms", ttft: threshold: "1h"}}`,
		want: []string{
			"s.cue:3:2: spec/server: workloads.c.inference.latency: the latency alert is off by default for server vllm (vLLM)",
			"s.cue:3:35: spec/server: workloads.c.inference.tpot.threshold: 5ms is below the smallest bucket of vllm:inter_token_latency_seconds (vllm, le=0.01)",
			"s.cue:3:59: spec/server: workloads.c.inference.ttft.threshold: 1h is not below the largest bucket of vllm:time_to_first_token_seconds (vllm, le=2560)",
		},
	}, {
		name: "Ray Serve's millisecond buckets compared in seconds",
		src: `workloads: r: {kind: "inference", namespace: "ml", inference: {server: "rayserve", models: ["a"],
	latency: threshold: "10s"}}`,
		want: []string{"s.cue:3:11: spec/server: workloads.r.inference.latency.threshold: 10s is not below the largest bucket of ray_serve_http_request_latency_ms (rayserve, le=5000)"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			_, got := decodeSrc(t, c.src)
			if len(got) != len(c.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(c.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], c.want[i]) {
					t.Errorf("diagnostic %d:\n got %s\nwant %s...", i, got[i], c.want[i])
				}
			}
		})
	}
}

// A spec that builds resolves every workload's preset; a server without an
// error signal is a note at its server field (none once the user turns the
// alert off), and the presets' defaults apply: port and path, the alerts on.
func TestPresetResolved(t *testing.T) {
	s, diags := decodeSrc(t, `workloads: {
	k: {kind: "inference", namespace: "ml", inference: {server: "kserve", models: ["m"]}}
	q: {kind: "inference", namespace: "ml", inference: {server: "sglang", models: ["m"], errorRate: enabled: false}}
	c: {kind: "inference", namespace: "ml", inference: models: ["m"]}
	v: {kind: "inference", namespace: "ml", inference: {server: "vllm", models: ["m"]}}
}`)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if len(s.Notes) != 1 || !strings.HasPrefix(s.Notes[0].String(), "s.cue:3:54: spec/server: workloads.k.inference.server: workload k gets no InferenceErrorRateHigh") {
		t.Errorf("notes: %v", s.Notes)
	}
	byName := map[string]*Workload{}
	for _, w := range s.Workloads {
		byName[w.Name] = w
		if w.Inference.Preset == nil || w.Inference.Preset.Name != w.Inference.Server {
			t.Errorf("%s: preset %v for server %s", w.Name, w.Inference.Preset, w.Inference.Server)
		}
	}
	if c := byName["c"]; c.Inference.Server != presets.CustomName || c.Metrics.Port != "metrics" || !c.Inference.Latency.Enabled {
		t.Errorf("custom defaults: %+v %+v", c.Metrics, c.Inference.Latency)
	}
	v := byName["v"].Inference
	if byName["v"].Metrics.Port != "8000" || v.Latency.Enabled || !v.TTFT.Enabled || !v.TPOT.Enabled || !v.Queue.Enabled || !v.KVCache.Enabled || !v.ErrorRate.Enabled {
		t.Errorf("vllm defaults: port %s, %+v", byName["v"].Metrics.Port, v)
	}
	if k := byName["k"].Inference; k.ErrorRate.Enabled || k.TTFT.Enabled || !k.Latency.Enabled {
		t.Errorf("kserve defaults: %+v", k)
	}
}
