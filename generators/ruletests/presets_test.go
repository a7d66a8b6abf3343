package ruletests

import (
	"regexp"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/presets/servers"
)

// everyPreset is a spec with one inference workload per server preset,
// every alert its server supports on (the LLM servers' end-to-end latency
// too), thresholds inside the servers' buckets.
const everyPreset = `
workloads: {
	chat: {kind: "inference", namespace: "llm", inference: {server: "vllm", models: ["meta-llama/Llama-3.1-8B-Instruct"],
		latency: {enabled: true, threshold: "30s"}, ttft: {threshold: "2500ms", quantile: 0.9}, tpot: threshold: "100ms",
		queue: {max: 5, for: "5m"}, kvCache: max: 0.9}}
	vision: {kind: "inference", namespace: "vision", inference: {server: "triton", models: ["resnet50", "yolo"], latency: threshold: "200ms", queue: enabled: true}}
	tgi: {kind: "inference", namespace: "llm", inference: {server: "tgi", latency: {enabled: true, threshold: "20s"}, tpot: threshold: "150ms"}}
	iris: {kind: "inference", namespace: "kserve", inference: {server: "kserve", models: ["sklearn-iris"], latency: threshold: "250ms"}}
	sg: {kind: "inference", namespace: "llm", inference: {server: "sglang", models: ["qwen"], latency: {enabled: true, threshold: "10s"}}}
	ray: {kind: "inference", namespace: "ray", inference: {server: "rayserve", models: ["summarizer"], latency: threshold: "1s"}}
	bento: {kind: "inference", namespace: "bento", inference: {server: "bentoml", models: ["Summarization"], latency: threshold: "2500ms"}}
	ts: {kind: "inference", namespace: "ts", metrics: port: "metrics", inference: {server: "torchserve", models: ["densenet161"]}}
	nim: {kind: "inference", namespace: "nim", inference: {server: "nim", models: ["meta/llama3-8b-instruct"]}}
}`

// Every preset's alerts pass their generated tests, each with a firing and
// a quiet check, under the in-process runner and a real promtool.
func TestPresetsPass(t *testing.T) {
	s := specOf(t, everyPreset)
	seen := map[string]bool{}
	for _, w := range s.Workloads {
		seen[w.Inference.Server] = true
	}
	for _, n := range servers.Names()[1:] {
		if !seen[n] {
			t.Errorf("no workload on server %s", n)
		}
	}
	files := generateT(t, s)
	for _, f := range runTests(files) {
		t.Error(f.String())
	}
	if u := UncoveredAlerts(s); len(u) > 0 {
		t.Errorf("alerts without tests: %v", u)
	}
	alerts := map[string]bool{}
	for _, w := range s.Workloads {
		for _, a := range firesAndQuiet(t, s, w) {
			alerts[a] = true
		}
	}
	for _, a := range []string{rules.HighInferenceLatency, rules.InferenceErrorRateHigh, rules.HighTimeToFirstToken,
		rules.HighTimePerOutputToken, rules.InferenceQueueBacklog, rules.KVCacheNearlyFull} {
		if !alerts[a] {
			t.Errorf("no workload has %s", a)
		}
	}
	promtoolCheck(t, files)
}

var byClause = regexp.MustCompile(`by \([^)]*\)`)

// Mutations of the preset-specific parts of the rules: each must fail the
// alert's tests.
var presetMutations = []mutation{
	{"drop the unit conversion to seconds", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			return strings.NewReplacer(" / 1000000\n", "\n", " / 1000\n", "\n").Replace(e)
		})
	}},
	{"drop the model label from by()", func(w *model.Workload, r *monitoringv1.Rule) bool {
		ml := w.Inference.Preset.ModelLabel
		return ml != "" && editExpr(r, func(e string) string {
			return byClause.ReplaceAllStringFunc(e, func(by string) string { return strings.ReplaceAll(by, ", "+ml, "") })
		})
	}},
	{"drop the failure matcher", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			return strings.NewReplacer(`, status="5xx"`, "", `, status_code=~"5.."`, "", `, http_response_code=~"5.."`, "",
				`, err!~"validation|template"`, `, err=~"validation|template"`).Replace(e)
		})
	}},
	{"count only successes as the total", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			e = strings.ReplaceAll(e, `tgi_request_count{`, `tgi_request_success{`)
			return strings.ReplaceAll(e, ` or label_replace(rate(nv_inference_request_failure{`, ` or label_replace(rate(nv_inference_count{`)
		})
	}},
	{"read vLLM's deprecated time per output token", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			return strings.ReplaceAll(e, "vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds")
		})
	}},
	{"sum a pod's gauge over the workload", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string { return strings.ReplaceAll(e, "workload, pod,", "workload,") })
	}},
}

// A broken preset rule fails its tests: the generic mutations and the
// preset ones, on every alert of every preset workload; at least three
// apply to each alert.
func TestPresetMutationsFail(t *testing.T) {
	mutationsFail(t, specOf(t, everyPreset), append(append([]mutation(nil), mutations...), presetMutations...))
}
