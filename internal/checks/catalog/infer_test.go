package catalog

import (
	"slices"
	"strings"
	"testing"
)

func TestInfer(t *testing.T) {
	c := newTestCatalog(t, testSpec)
	for _, tc := range []struct {
		expr string
		// want: the sorted label names, "..." appended when open.
		want string
	}{
		{`up{workload="resnet"}`, "app_kubernetes_io_component container instance job namespace pod workload"},
		{`unknown_metric`, "..."},
		{`{job="x"}`, "..."},
		{`sum(up)`, ""},
		{`sum by (namespace, pod) (up)`, "namespace pod"},
		{`sum by (namespace, nope) (up)`, "namespace"},
		{`sum by (namespace, nope) (unknown_metric)`, "namespace nope"},
		{`sum without (pod, instance) (up{workload="resnet"})`, "app_kubernetes_io_component container job namespace workload"},
		{`topk(3, up{workload="resnet"})`, "app_kubernetes_io_component container instance job namespace pod workload"},
		{`count_values("value", up{workload="resnet"})`, "value"},
		{`absent(up{namespace="ml", workload="resnet", pod=~"a.*"})`, "namespace workload"},
		{`absent_over_time(up{namespace="ml"}[5m])`, "namespace"},
		{`label_replace(sum by (pod) (up), "dst", "$1", "pod", "(.*)")`, "dst pod"},
		{`label_join(sum by (pod) (up), "dst", ",", "pod")`, "dst pod"},
		{`histogram_quantile(0.9, sum by (le, model_name) (rate(inference_request_duration_seconds_bucket[5m])))`, "model_name"},
		{`rate(inference_requests_total{workload="resnet"}[5m])`, "app_kubernetes_io_component container instance job model_name namespace pod region status workload"},
		{`sum by (namespace) (up) > 0`, "namespace"},
		{`1 + sum by (namespace) (up)`, "namespace"},
		{`vector(1)`, ""},
		{`time()`, ""},
		{`scalar(sum(up))`, ""},
		{`sum by (a, b) (unknown_metric) / on (a) sum by (a) (unknown_metric)`, "a"},
		{`sum by (a, b) (unknown_metric) / ignoring (b) sum by (a) (unknown_metric)`, "a"},
		{`sum by (a, b) (unknown_metric) / sum by (a, b) (unknown_metric)`, "a b"},
		{`sum by (a, b) (unknown_metric) * on (a) group_left (c) sum by (a, c) (unknown_metric)`, "a b c"},
		{`sum by (a, b) (unknown_metric) * on (a) group_left (d) sum by (a, c) (unknown_metric)`, "a b"},
		{`sum by (a) (unknown_metric) * on (a) group_right (b) sum by (a, c) (unknown_metric)`, "a c"},
		{`sum by (a) (unknown_metric) and on (a) sum by (a, c) (unknown_metric)`, "a"},
		{`sum by (a) (unknown_metric) unless sum by (a, c) (unknown_metric)`, "a"},
		{`sum by (a) (unknown_metric) or sum by (c) (unknown_metric)`, "a c"},
		{`sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total[5m])) > 0 and on (namespace, pod) kube_pod_labels`, "namespace pod"},
		{`ml:requests:rate5m`, "model_name namespace tier"},
		{`(sum by (a) (unknown_metric))`, "a"},
		{`-sum by (a) (unknown_metric)`, "a"},
		{`max_over_time(sum by (a) (unknown_metric)[1h:5m])`, "a"},
		{`sort_desc(sum by (a) (unknown_metric))`, "a"},
		{`sum by (le) (inference_request_duration_seconds_bucket) > bool 0`, "le"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := promql.ParseExpr(tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			l := c.Infer(e)
			got := strings.Join(l.Sorted(), " ")
			if l.Open {
				got = strings.TrimSpace(got + " ...")
			}
			if got != tc.want {
				t.Errorf("Infer = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLabelsOps(t *testing.T) {
	a := Closed("x", "y")
	if !slices.Equal(a.With("z").Sorted(), []string{"x", "y", "z"}) || len(a.Names) != 2 {
		t.Error("With")
	}
	if !slices.Equal(a.Without("x").Sorted(), []string{"y"}) || len(a.Names) != 2 {
		t.Error("Without")
	}
	if got := OpenSet().Only("a", "b").Sorted(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Only on open: %v", got)
	}
	if u := a.Union(OpenSet()); !u.Open || !u.Has("anything") {
		t.Error("Union with open")
	}
}
