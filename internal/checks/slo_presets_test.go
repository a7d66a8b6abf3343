package checks_test

import "testing"

// sloServers are workloads on server presets, after an SLO (on x.cue's
// first line) that reads them.
const sloServers = `
workloads: {
	chat: {kind: "inference", namespace: "llm", inference: {server: "vllm", models: ["llama"]}}
	sg: {kind: "inference", namespace: "llm", inference: {server: "sglang", models: ["qwen"]}}
	tgi: {kind: "inference", namespace: "llm", inference: server: "tgi"}
	nim: {kind: "inference", namespace: "llm", inference: {server: "nim", models: ["llama"]}}
	vision: {kind: "inference", namespace: "cv", inference: {server: "triton", models: ["resnet50", "yolo"], errorRate: enabled: true}}
	ts: {kind: "inference", namespace: "cv", inference: {server: "torchserve", models: ["mnist"]}}
	iris: {kind: "inference", namespace: "cv", inference: {server: "kserve", models: ["iris"], errorRate: enabled: false}}
}
`

// TestSLOPresetSLIs: availability and latency SLIs read the workload's
// server preset (vLLM's HTTP 5xx, Triton's failure among success +
// failure, the TTFT and TPOT histograms of LLM servers); what a server
// does not export is refused at the SLI, saying why and what to use.
func TestSLOPresetSLIs(t *testing.T) {
	runCases(t, "slo/sli", []checkCase{
		{name: "what the presets export", base: sloBase, extra: `slos: {
	a: {workload: "chat", objective: 99.9, sli: availability: {}}
	b: {workload: "chat", objective: 99, sli: latency: {signal: "ttft", threshold: "500ms"}}
	c: {workload: "chat", objective: 99, sli: latency: {signal: "tpot", threshold: "100ms", models: ["llama"]}}
	d: {workload: "vision", objective: 99.9, sli: availability: models: ["yolo"]}
	e: {workload: "ts", objective: 99.9, sli: availability: {}}
	f: {workload: "sg", objective: 99, sli: latency: {signal: "ttft", threshold: "1s"}}
	g: {workload: "tgi", objective: 99, sli: latency: {signal: "tpot", threshold: "100ms"}}
	h: {workload: "tgi", objective: 99.9, sli: availability: {}}
}` + sloServers},
		{
			name: "a server without a failure signal", base: sloBase,
			extra: "slos: a: {workload: \"iris\", objective: 99.9, sli: availability: {}}" + sloServers,
			want:  []string{`x.cue:1:51: KServe model server (server "kserve") exports no failure signal for an availability SLI: KServe's model server exports latency histograms only (python/kserve/kserve/metrics.py): no request status and no failure counter, so no error ratio can be derived; use a latency SLI, or a ratio SLI over counters the workload exports`},
		},
		{
			name: "latency of a server with counters only", base: sloBase,
			extra: "slos: a: {workload: \"vision\", objective: 99, sli: latency: threshold: \"100ms\"}" + sloServers,
			want: []string{"x.cue:1:51: Triton Inference Server (server \"triton\") exports no request latency histogram, only an average: " +
				"Triton exports its request durations as cumulative counters of microseconds (nv_inference_request_duration_us, triton-inference-server/core src/metrics.cc), " +
				"not as a histogram: no percentile can be computed from them. HighInferenceLatency alerts on the average instead (the rate of the duration over the rate of " +
				"successful requests, µs converted to seconds). A latency SLI counts the requests under a threshold from a histogram's buckets, which an average cannot give; " +
				"use an availability SLI, the average-latency alert (inference.latency), or a latency SLI on a histogram the workload exports (sli.latency.metric and buckets)"},
		},
		{
			name: "TTFT of a server without it", base: sloBase,
			extra: "slos: a: {workload: \"vision\", objective: 99, sli: latency: {signal: \"ttft\", threshold: \"100ms\"}}" + sloServers,
			want: []string{`x.cue:1:61: Triton Inference Server (server "triton") exports no time-to-first-token histogram (servers that do: nim, sglang, vllm); ` +
				"for a histogram of the application's own, set sli.latency.metric and buckets"},
		},
		{
			name: "models of counters without the model label", base: sloBase,
			extra: "slos: a: {workload: \"chat\", objective: 99.9, sli: availability: models: [\"llama\"]}" + sloServers,
			want:  []string{"x.cue:1:65: its request counters (http_requests_total) carry no model_name label (the server counts every model together): an SLI on them covers all of workload chat's models; remove models"},
		},
		{
			name: "a metric of one's own and a server's signal", base: sloBase,
			extra: "slos: a: {workload: \"chat\", objective: 99, sli: latency: {signal: \"ttft\", metric: \"my_ttft_seconds\", threshold: \"1s\"}}" + sloServers,
			want:  []string{`x.cue:1:75: metric names a histogram of the application's own, signal "ttft" one of its server's: set one of them`},
		},
	})
}

// TestSLOPresetBuckets: a latency SLI on a preset's histogram is checked
// against the buckets the server's source fixes; a preset that does not
// know them (NIM) asks for them.
func TestSLOPresetBuckets(t *testing.T) {
	runCases(t, "slo/bucket-boundary", []checkCase{
		{name: "on the servers' bounds", base: sloBase, extra: `slos: {
	a: {workload: "chat", objective: 99, sli: latency: {signal: "ttft", threshold: "500ms"}}
	b: {workload: "chat", objective: 99, sli: latency: {signal: "tpot", threshold: "100ms"}}
	c: {workload: "chat", objective: 99, sli: latency: threshold: "2s"}
	d: {workload: "nim", objective: 99, sli: latency: {signal: "ttft", threshold: "1s", buckets: [0.5, 1, 2]}}
}` + sloServers},
		{
			name: "between two of vLLM's TTFT bounds", base: sloBase,
			extra: "slos: a: {workload: \"chat\", objective: 99, sli: latency: {signal: \"ttft\", threshold: \"300ms\"}}" + sloServers,
			want: []string{"x.cue:1:75: threshold 300ms (0.3 s) is not a bucket bound of histogram vllm:time_to_first_token_seconds (buckets from the vLLM preset, " +
				"vllm-project/vllm vllm/v1/metrics/loggers.py (PrometheusStatLogger); vllm-project/vllm vllm/v1/metrics/buckets.py (DEFAULT_BUCKETS): " +
				"0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560): " +
				"requests are counted good by the bucket le=threshold, so this SLI would measure nothing between 0.25s and 0.5s; use one of those"},
		},
		{
			name: "NIM's buckets are not published", base: sloBase,
			extra: "slos: a: {workload: \"nim\", objective: 99, sli: latency: {signal: \"ttft\", threshold: \"1s\"}}" + sloServers,
			want: []string{"x.cue:1:48: the bucket bounds of histogram time_to_first_token_seconds are not known (the NVIDIA NIM for LLMs preset has none: " +
				"docs.nvidia.com/nim/large-language-models/latest/observability.html does not give them): list them in sli.latency.buckets " +
				"(in s, as the server exports them), so that the threshold 1s can be checked against them"},
		},
	})
}
