package signals

import (
	"testing"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/presets/servers"
)

// The queries of each shape, as the rules render them: a single counter, a
// sum of counters (Triton's success + failure, each labelled before the
// sum), a ratio split by model or not, a quantile in seconds of a
// millisecond histogram, an average of microsecond counters, a per-pod
// gauge.
func TestQueries(t *testing.T) {
	base := []string{"namespace", "ml", "workload", "w"}
	by := []string{"namespace", "workload"}
	q := func(name string) Query {
		p := servers.ByName(name)
		return Query{Server: p, Base: base, Model: "=~m", By: by, Range: "5m"}
	}
	for _, c := range []struct {
		name, got, want string
	}{
		{"vllm throughput", q("vllm").Rate(servers.VLLM.Throughput),
			`sum by (namespace, workload, model_name) (rate(vllm:request_success_total{namespace="ml", workload="w", model_name=~"m"}[5m]))`},
		{"vllm error ratio, no model label", q("vllm").ErrorRatio(servers.VLLM.Errors, " / "),
			`sum by (namespace, workload) (rate(http_requests_total{namespace="ml", workload="w", status="5xx"}[5m])) / sum by (namespace, workload) (rate(http_requests_total{namespace="ml", workload="w"}[5m]))`},
		{"triton error ratio over a sum", q("triton").ErrorRatio(servers.Triton.Errors, " / "),
			`sum by (namespace, workload, model) (rate(nv_inference_request_failure{namespace="ml", workload="w", model=~"m"}[5m])) / ` +
				`sum by (namespace, workload, model) (label_replace(rate(nv_inference_request_success{namespace="ml", workload="w", model=~"m"}[5m]), "counter", "nv_inference_request_success", "", "") or ` +
				`label_replace(rate(nv_inference_request_failure{namespace="ml", workload="w", model=~"m"}[5m]), "counter", "nv_inference_request_failure", "", ""))`},
		{"triton average in seconds", q("triton").Average(servers.Triton.Latency),
			`sum by (namespace, workload, model) (rate(nv_inference_request_duration_us{namespace="ml", workload="w", model=~"m"}[5m])) / ` +
				`sum by (namespace, workload, model) (rate(nv_inference_request_success{namespace="ml", workload="w", model=~"m"}[5m])) / 1000000`},
		{"ray quantile in seconds", q("rayserve").Quantile(servers.RayServe.Latency.Histogram, 0.99),
			`histogram_quantile(0.99, sum by (namespace, workload, application, le) (rate(ray_serve_http_request_latency_ms_bucket{namespace="ml", workload="w", application=~"m"}[5m]))) / 1000`},
		{"tgi without model label", q("tgi").Quantile(servers.TGI.TPOT, 0.5),
			`histogram_quantile(0.5, sum by (namespace, workload, le) (rate(tgi_request_mean_time_per_token_duration_bucket{namespace="ml", workload="w"}[5m])))`},
		{"sglang gauge per pod", q("sglang").Gauge(servers.SGLang.KVCache, "pod"),
			`max by (namespace, workload, pod, model_name) (sglang:token_usage{namespace="ml", workload="w", model_name=~"m"})`},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, c.got, c.want)
		}
		if _, err := parser.NewParser(parser.Options{}).ParseExpr(c.got); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
