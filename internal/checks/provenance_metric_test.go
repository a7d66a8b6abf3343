package checks_test

import (
	"strings"
	"testing"
)

// panel renders extraPanels (CUE).
func panel(panels ...string) string {
	return "extraPanels: [\n" + strings.Join(panels, ",\n") + "]\n"
}

func TestProvenanceMetric(t *testing.T) {
	runCases(t, "provenance/metric", []checkCase{
		{name: "example spec", extra: ``},
		{
			name:  "seed: the histogram the app does not export",
			extra: rule(`{alert: "A", expr: "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5"}`),
			want:  []string{`x.cue:2:1: alert A reads metric http_request_duration_seconds_bucket, which no declared source exports; did you mean inference_request_duration_seconds_bucket, declared by workload resnet? (if an application exports it, declare it in workloads.<name>.metrics.exported)`},
		},
		{
			name:  "no close match",
			extra: panel(`{title: "Q", expr: "sum(rate(my_app_queue_items_total[5m]))"}`),
			want:  []string{`x.cue:2:1: panel "Q" reads metric my_app_queue_items_total, which no declared source exports; if an application exports it, declare it in workloads.<name>.metrics.exported`},
		},
		{
			name:  "declared in metrics.exported",
			extra: "workloads: resnet: metrics: exported: [\"my_app_queue_items_total\", \"batch_seconds\"]\n" + panel(`{title: "Q", expr: "sum(rate(my_app_queue_items_total[5m])) + sum(rate(batch_seconds_bucket[5m]))"}`),
		},
		{
			name:  "exporters of the stack",
			extra: rule(`{record: "a:b", expr: "kube_deployment_status_replicas_available + container_memory_working_set_bytes + node_load1 + DCGM_FI_DEV_GPU_TEMP + ALERTS + scrape_duration_seconds + prometheus_tsdb_head_series + kube_configmap_info"}`),
		},
		{
			name:  "a recording rule of the spec, and its typo",
			extra: rule(`{record: "ml:requests:rate5m", expr: "sum(rate(inference_requests_total[5m]))"}`, `{alert: "A", expr: "ml:request:rate5m > 1"}`, `{alert: "B", expr: "namespace_workload_pod:kube_pod_owner:relabel > 1"}`),
			want:  []string{`x.cue:3:1: alert A reads metric ml:request:rate5m, which no declared source exports; did you mean ml:requests:rate5m, recorded by extraRules.g.rules.0? (if an application exports it, declare it in workloads.<name>.metrics.exported)`},
		},
		{
			name:  "DCGM without a GPU workload",
			base:  "apiVersion: \"dataopsgen.dev/v1alpha1\"\nworkloads: a: {kind: \"training\", namespace: \"ml\"}\n",
			extra: panel(`{title: "GPU", expr: "avg(DCGM_FI_DEV_GPU_UTIL)"}`),
			want:  []string{`x.cue:2:1: panel "GPU" reads metric DCGM_FI_DEV_GPU_UTIL, which no declared source exports: dcgm-exporter is installed only when a workload sets gpu: true`},
		},
		{
			name:  "a DCGM field the generated collectors list leaves off, and a typo of one it has",
			extra: panel(`{title: "SM", expr: "avg(DCGM_FI_PROF_SM_ACTIVE) + avg(DCGM_FI_DEV_GPU_TMP)"}`),
			want: []string{
				`x.cue:2:1: panel "SM" reads metric DCGM_FI_DEV_GPU_TMP, which no declared source exports; did you mean DCGM_FI_DEV_GPU_TEMP, exported by dcgm-exporter? (if an application exports it, declare it in workloads.<name>.metrics.exported)`,
				`x.cue:2:1: panel "SM" reads metric DCGM_FI_PROF_SM_ACTIVE, which no declared source exports; did you mean DCGM_FI_PROF_DRAM_ACTIVE, exported by dcgm-exporter? (if an application exports it, declare it in workloads.<name>.metrics.exported)`,
			},
		},
		{
			name:  "a training controller's custom-resource-state series, and a typo",
			extra: "workloads: trainer: training: controller: \"pytorchjob\"\n" + rule(`{alert: "A", expr: "kube_customresource_pytorchjob_status_condition{type=\"Failed\"} + kube_customresource_pytorchjob_status_conditions"}`),
			want:  []string{`x.cue:3:1: alert A reads metric kube_customresource_pytorchjob_status_conditions, which no declared source exports; did you mean kube_customresource_pytorchjob_status_condition, exported by kube-state-metrics? (if an application exports it, declare it in workloads.<name>.metrics.exported)`},
		},
		{
			name:  "name given by __name__",
			extra: panel(`{title: "Q", expr: "{__name__=\"trainig_loss\"}"}`),
			want:  []string{`x.cue:2:1: panel "Q" reads metric trainig_loss, which no declared source exports; did you mean training_loss, declared by workload trainer? (if an application exports it, declare it in workloads.<name>.metrics.exported)`},
		},
		{
			name:  "metric names made of dashboard variables",
			extra: panel(`{title: "Q", expr: "sum(rate(${metric}[5m])) + sum(rate(inference_${kind}_total[5m]))"}`),
		},
		{
			name:  "loki panels are not PromQL",
			extra: panel(`{title: "L", datasource: "loki", type: "logs", expr: "{namespace=\"ml\"} |= \"error\""}`),
		},
	})
}
