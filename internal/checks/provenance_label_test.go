package checks_test

import (
	"testing"
)

func TestProvenanceLabel(t *testing.T) {
	runCases(t, "provenance/label", []checkCase{
		{name: "example spec", extra: ``},
		{
			name:  "seed: up filtered on a pod label the selector lacks",
			extra: rule(`{alert: "A", expr: "up{namespace=\"ml\", app_kubernetes_io_name=\"resnet\"} == 0"}`),
			want:  []string{`x.cue:2:1: alert A: label app_kubernetes_io_name is not on metric up (its labels: app_kubernetes_io_component, container, endpoint, instance, job, metrics_path, namespace, node, pod, service, workload); a workload's scrape relabeling attaches job, instance, namespace, pod, container, workload and one label per key of workloads.<name>.selector`},
		},
		{
			name:  "seed: up filtered on a component no workload has",
			extra: "workloads: resnet: selector: \"app.kubernetes.io/component\": \"serving\"\n" + rule(`{alert: "A", expr: "up{namespace=\"ml\", app_kubernetes_io_component=\"inference\"} == 0"}`),
			want:  []string{`x.cue:3:1: alert A: no source of metric up has app_kubernetes_io_component="inference" (workload resnet has app_kubernetes_io_component="serving", workload trainer has app_kubernetes_io_component="training")`},
		},
		{
			name:  "dcgm-exporter's hostname label is Hostname in the pinned release",
			extra: rule(`{alert: "A", expr: "DCGM_FI_DEV_GPU_TEMP{hostname=\"n1\"} > 80"}`),
			want:  []string{`x.cue:2:1: alert A: label hostname is not on metric DCGM_FI_DEV_GPU_TEMP (its labels: GPU_I_ID, GPU_I_PROFILE, Hostname, UUID, container, device, endpoint, err_code, err_msg, gpu, instance, job, modelName, namespace, pci_bus_id, pod, and 1 more); did you mean Hostname?`},
		},
		{
			name:  "seed: kube_pod_labels without the allowlist",
			extra: rule(`{alert: "A", expr: "kube_pod_labels{label_team=\"ml\"}"}`),
			want:  []string{`x.cue:2:1: alert A: label label_team is not on metric kube_pod_labels (its labels: container, endpoint, instance, job, label_app_kubernetes_io_component, namespace, pod, service, uid); kube-state-metrics exports label_<key> only for the label keys in its metricLabelsAllowlist, which lists the workloads' selector keys (workloads.<name>.selector)`},
		},
		{
			name:  "allow-listed through a selector key",
			extra: "workloads: trainer: selector: team: \"ml\"\n" + rule(`{alert: "A", expr: "kube_pod_labels{label_team=\"ml\"}"}`),
		},
		{
			name:  "a workload name no workload has",
			extra: rule(`{alert: "A", expr: "up{workload=\"resnett\"} == 0"}`),
			want:  []string{`x.cue:2:1: alert A: no source of metric up has workload="resnett" (workload resnet has workload="resnet", workload trainer has workload="trainer")`},
		},
		{
			name:  "values no single source has together",
			extra: "workloads: other: {kind: \"training\", namespace: \"train\"}\n" + rule(`{alert: "A", expr: "up{namespace=\"ml\", workload=\"other\"} == 0"}`),
			want:  []string{`x.cue:3:1: alert A: no single source of metric up has namespace="ml" and workload="other"`},
		},
		{
			name:  "app labels and declared labels",
			extra: "workloads: resnet: metrics: appLabels: [\"region\"]\n" + rule(`{alert: "A", expr: "sum by (region, model_name) (rate(inference_requests_total{status=\"error\", region=\"eu\"}[5m])) > 0"}`),
		},
		{
			name:  "an undeclared app label",
			extra: panel(`{title: "Q", expr: "sum(rate(inference_requests_total{model=\"resnet50\"}[$__rate_interval]))"}`),
			want:  []string{`x.cue:2:1: panel "Q": label model is not on metric inference_requests_total (its labels: app_kubernetes_io_component, container, instance, job, model_name, namespace, pod, status, workload); a workload's series carry its target labels (job, instance, namespace, pod, container, workload, one per selector key) and the labels it declares in workloads.<name>.metrics.appLabels`},
		},
		{
			name:  "grouping on a label the input lacks",
			extra: panel(`{title: "Q", expr: "sum by (model) (rate(inference_requests_total{namespace=~\"$namespace\"}[$__rate_interval]))"}`),
			want:  []string{`x.cue:2:1: panel "Q": sum by (model): its input never carries label model (it carries app_kubernetes_io_component, container, instance, job, model_name, namespace, pod, status, workload)`},
		},
		{
			name:  "on() a label one side lacks",
			extra: rule(`{record: "a:b", expr: "sum by (namespace, pod) (up) * on (namespace, node) group_left (node) kube_pod_info"}`),
			want:  []string{`x.cue:2:1: recording rule a:b: on (namespace, node): the left-hand side never carries label node (it carries namespace, pod)`},
		},
		{
			name:  "cluster-wide exporters",
			extra: panel(`{title: "Q", expr: "sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=\"ml\", container!=\"\", image=~\".+\"}[5m])) + on (pod) group_left sum by (pod) (DCGM_FI_DEV_GPU_UTIL{gpu=\"0\", modelName=~\"A100.*\"})"}`),
		},
		{
			name:  "a label only a negative matcher reads",
			extra: rule(`{alert: "A", expr: "up{team!=\"x\"} == 0"}`),
		},
		{
			name:  "open families",
			extra: rule(`{alert: "A", expr: "node_filesystem_avail_bytes{mountpoint=\"/\", fstype!=\"tmpfs\"} < 1e9 or ALERTS{alertname=\"X\", severity=\"page\"}"}`),
		},
		{
			name:  "recording rule output labels",
			extra: rule(`{record: "ml:req:rate5m", expr: "sum by (namespace, model_name) (rate(inference_requests_total[5m]))"}`, `{alert: "A", expr: "ml:req:rate5m{pod=\"x\"} > 1"}`),
			want:  []string{`x.cue:3:1: alert A: label pod is not on metric ml:req:rate5m (its labels: model_name, namespace); a recording rule's series carry only the labels its expression keeps and its own labels`},
		},
		{
			name:  "dashboard variables are values",
			extra: panel(`{title: "Q", expr: "sum by ($group) (rate(inference_requests_total{namespace=~\"$namespace\", pod=~\"${pod:regex}\", model_name=\"[[model]]\"}[$__rate_interval])) / $scale"}`),
		},
	})
}
