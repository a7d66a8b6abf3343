package catalog

import (
	"strings"
)

// The exporters kube-prometheus-stack (and, with GPUs, dcgm-exporter)
// installs, with the label sets of their series as Prometheus stores them:
// the exporter's own labels plus the target labels the operator's
// ServiceMonitor relabeling attaches (with honorLabels, an exporter's own
// namespace/pod/container win over the target's).

// serviceMonitorLabels are attached to every series scraped through a
// ServiceMonitor of the stack.
var serviceMonitorLabels = []string{"job", "instance", "namespace", "service", "endpoint", "pod", "container"}

// kubeStateMetrics lists the kube-state-metrics series (v2), one per line:
// name, then its own labels. Resources not listed here are accepted as open
// families (ksmFamilies).
const kubeStateMetrics = `
kube_pod_info namespace pod uid host_ip pod_ip node created_by_kind created_by_name priority_class host_network
kube_pod_ips namespace pod uid ip ip_family
kube_pod_start_time namespace pod uid
kube_pod_completion_time namespace pod uid
kube_pod_created namespace pod uid
kube_pod_deletion_timestamp namespace pod uid
kube_pod_owner namespace pod uid owner_kind owner_name owner_is_controller
kube_pod_labels namespace pod uid
kube_pod_annotations namespace pod uid
kube_pod_nodeselectors namespace pod uid
kube_pod_status_phase namespace pod uid phase
kube_pod_status_qos_class namespace pod uid qos_class
kube_pod_status_ready namespace pod uid condition
kube_pod_status_scheduled namespace pod uid condition
kube_pod_status_reason namespace pod uid reason
kube_pod_status_unschedulable namespace pod uid
kube_pod_status_scheduled_time namespace pod uid
kube_pod_status_unscheduled_time namespace pod uid
kube_pod_status_initialized_time namespace pod uid
kube_pod_status_ready_time namespace pod uid
kube_pod_status_container_ready_time namespace pod uid
kube_pod_overhead_cpu_cores namespace pod uid
kube_pod_overhead_memory_bytes namespace pod uid
kube_pod_runtimeclass_name_info namespace pod uid runtimeclass_name
kube_pod_restart_policy namespace pod uid type
kube_pod_tolerations namespace pod uid key operator value effect toleration_seconds
kube_pod_service_account namespace pod uid service_account
kube_pod_scheduler namespace pod uid name
kube_pod_spec_volumes_persistentvolumeclaims_info namespace pod uid volume persistentvolumeclaim
kube_pod_spec_volumes_persistentvolumeclaims_readonly namespace pod uid volume persistentvolumeclaim
kube_pod_container_info namespace pod uid container image image_id image_spec container_id
kube_pod_container_status_waiting namespace pod uid container
kube_pod_container_status_waiting_reason namespace pod uid container reason
kube_pod_container_status_running namespace pod uid container
kube_pod_container_state_started namespace pod uid container
kube_pod_container_status_terminated namespace pod uid container
kube_pod_container_status_terminated_reason namespace pod uid container reason
kube_pod_container_status_last_terminated_reason namespace pod uid container reason
kube_pod_container_status_last_terminated_exitcode namespace pod uid container
kube_pod_container_status_last_terminated_timestamp namespace pod uid container
kube_pod_container_status_ready namespace pod uid container
kube_pod_container_status_restarts_total namespace pod uid container
kube_pod_container_resource_requests namespace pod uid container node resource unit
kube_pod_container_resource_limits namespace pod uid container node resource unit
kube_pod_init_container_info namespace pod uid container image image_id image_spec container_id restart_policy
kube_pod_init_container_status_waiting namespace pod uid container
kube_pod_init_container_status_waiting_reason namespace pod uid container reason
kube_pod_init_container_status_running namespace pod uid container
kube_pod_init_container_status_terminated namespace pod uid container
kube_pod_init_container_status_terminated_reason namespace pod uid container reason
kube_pod_init_container_status_last_terminated_reason namespace pod uid container reason
kube_pod_init_container_status_ready namespace pod uid container
kube_pod_init_container_status_restarts_total namespace pod uid container
kube_pod_init_container_resource_requests namespace pod uid container node resource unit
kube_pod_init_container_resource_limits namespace pod uid container node resource unit

kube_job_info namespace job_name
kube_job_labels namespace job_name
kube_job_annotations namespace job_name
kube_job_owner namespace job_name owner_kind owner_name owner_is_controller
kube_job_spec_parallelism namespace job_name
kube_job_spec_completions namespace job_name
kube_job_spec_active_deadline_seconds namespace job_name
kube_job_status_active namespace job_name
kube_job_status_ready namespace job_name
kube_job_status_succeeded namespace job_name
kube_job_status_failed namespace job_name reason
kube_job_status_start_time namespace job_name
kube_job_status_completion_time namespace job_name
kube_job_status_suspended namespace job_name condition
kube_job_complete namespace job_name condition reason
kube_job_failed namespace job_name condition reason
kube_job_created namespace job_name

kube_cronjob_info namespace cronjob schedule concurrency_policy timezone
kube_cronjob_labels namespace cronjob
kube_cronjob_annotations namespace cronjob
kube_cronjob_created namespace cronjob
kube_cronjob_next_schedule_time namespace cronjob
kube_cronjob_status_active namespace cronjob
kube_cronjob_status_last_schedule_time namespace cronjob
kube_cronjob_status_last_successful_time namespace cronjob
kube_cronjob_spec_suspend namespace cronjob
kube_cronjob_spec_starting_deadline_seconds namespace cronjob
kube_cronjob_spec_successful_job_history_limit namespace cronjob
kube_cronjob_spec_failed_job_history_limit namespace cronjob
kube_cronjob_metadata_resource_version namespace cronjob

kube_deployment_labels namespace deployment
kube_deployment_annotations namespace deployment
kube_deployment_created namespace deployment
kube_deployment_deletion_timestamp namespace deployment
kube_deployment_metadata_generation namespace deployment
kube_deployment_spec_replicas namespace deployment
kube_deployment_spec_paused namespace deployment
kube_deployment_spec_strategy_rollingupdate_max_unavailable namespace deployment
kube_deployment_spec_strategy_rollingupdate_max_surge namespace deployment
kube_deployment_spec_topology_spread_constraint namespace deployment topology_key max_skew when_unsatisfiable min_domains label_selector
kube_deployment_status_replicas namespace deployment
kube_deployment_status_replicas_ready namespace deployment
kube_deployment_status_replicas_available namespace deployment
kube_deployment_status_replicas_unavailable namespace deployment
kube_deployment_status_replicas_updated namespace deployment
kube_deployment_status_observed_generation namespace deployment
kube_deployment_status_condition namespace deployment condition status reason

kube_statefulset_labels namespace statefulset
kube_statefulset_annotations namespace statefulset
kube_statefulset_created namespace statefulset
kube_statefulset_deletion_timestamp namespace statefulset
kube_statefulset_metadata_generation namespace statefulset
kube_statefulset_replicas namespace statefulset
kube_statefulset_ordinals_start namespace statefulset
kube_statefulset_persistentvolumeclaim_retention_policy namespace statefulset when_deleted when_scaled
kube_statefulset_status_replicas namespace statefulset
kube_statefulset_status_replicas_available namespace statefulset
kube_statefulset_status_replicas_current namespace statefulset
kube_statefulset_status_replicas_ready namespace statefulset
kube_statefulset_status_replicas_updated namespace statefulset
kube_statefulset_status_observed_generation namespace statefulset
kube_statefulset_status_current_revision namespace statefulset revision
kube_statefulset_status_update_revision namespace statefulset revision

kube_daemonset_labels namespace daemonset
kube_daemonset_annotations namespace daemonset
kube_daemonset_created namespace daemonset
kube_daemonset_deletion_timestamp namespace daemonset
kube_daemonset_metadata_generation namespace daemonset
kube_daemonset_status_current_number_scheduled namespace daemonset
kube_daemonset_status_desired_number_scheduled namespace daemonset
kube_daemonset_status_number_available namespace daemonset
kube_daemonset_status_number_misscheduled namespace daemonset
kube_daemonset_status_number_ready namespace daemonset
kube_daemonset_status_number_unavailable namespace daemonset
kube_daemonset_status_observed_generation namespace daemonset
kube_daemonset_status_updated_number_scheduled namespace daemonset

kube_replicaset_labels namespace replicaset
kube_replicaset_annotations namespace replicaset
kube_replicaset_created namespace replicaset
kube_replicaset_owner namespace replicaset owner_kind owner_name owner_is_controller
kube_replicaset_metadata_generation namespace replicaset
kube_replicaset_spec_replicas namespace replicaset
kube_replicaset_status_replicas namespace replicaset
kube_replicaset_status_fully_labeled_replicas namespace replicaset
kube_replicaset_status_ready_replicas namespace replicaset
kube_replicaset_status_observed_generation namespace replicaset

kube_node_info node kernel_version os_image container_runtime_version kubelet_version kubeproxy_version provider_id pod_cidr system_uuid internal_ip
kube_node_labels node
kube_node_annotations node
kube_node_created node
kube_node_deletion_timestamp node
kube_node_role node role
kube_node_spec_unschedulable node
kube_node_spec_taint node key value effect
kube_node_status_capacity node resource unit
kube_node_status_allocatable node resource unit
kube_node_status_condition node condition status
kube_node_status_addresses node type address

kube_namespace_labels namespace
kube_namespace_annotations namespace
kube_namespace_created namespace
kube_namespace_deletion_timestamp namespace
kube_namespace_status_phase namespace phase
kube_namespace_status_condition namespace condition status

kube_persistentvolumeclaim_info namespace persistentvolumeclaim storageclass volumename volumemode
kube_persistentvolumeclaim_labels namespace persistentvolumeclaim
kube_persistentvolumeclaim_annotations namespace persistentvolumeclaim
kube_persistentvolumeclaim_created namespace persistentvolumeclaim
kube_persistentvolumeclaim_deletion_timestamp namespace persistentvolumeclaim
kube_persistentvolumeclaim_status_phase namespace persistentvolumeclaim phase
kube_persistentvolumeclaim_status_condition namespace persistentvolumeclaim condition status
kube_persistentvolumeclaim_access_mode namespace persistentvolumeclaim access_mode
kube_persistentvolumeclaim_resource_requests_storage_bytes namespace persistentvolumeclaim

kube_persistentvolume_labels persistentvolume
kube_persistentvolume_annotations persistentvolume
kube_persistentvolume_created persistentvolume
kube_persistentvolume_deletion_timestamp persistentvolume
kube_persistentvolume_capacity_bytes persistentvolume
kube_persistentvolume_status_phase persistentvolume phase
kube_persistentvolume_claim_ref persistentvolume claim_namespace name
kube_persistentvolume_volume_mode persistentvolume volumemode

kube_horizontalpodautoscaler_info namespace horizontalpodautoscaler scaletargetref_api_version scaletargetref_kind scaletargetref_name
kube_horizontalpodautoscaler_labels namespace horizontalpodautoscaler
kube_horizontalpodautoscaler_annotations namespace horizontalpodautoscaler
kube_horizontalpodautoscaler_metadata_generation namespace horizontalpodautoscaler
kube_horizontalpodautoscaler_spec_max_replicas namespace horizontalpodautoscaler
kube_horizontalpodautoscaler_spec_min_replicas namespace horizontalpodautoscaler
kube_horizontalpodautoscaler_spec_target_metric namespace horizontalpodautoscaler metric_name metric_target_type
kube_horizontalpodautoscaler_status_target_metric namespace horizontalpodautoscaler metric_name metric_target_type
kube_horizontalpodautoscaler_status_condition namespace horizontalpodautoscaler condition status
kube_horizontalpodautoscaler_status_current_replicas namespace horizontalpodautoscaler
kube_horizontalpodautoscaler_status_desired_replicas namespace horizontalpodautoscaler

kube_service_info namespace service uid cluster_ip external_name load_balancer_ip
kube_service_labels namespace service uid
kube_service_annotations namespace service uid
kube_service_created namespace service uid
kube_service_spec_type namespace service uid type
kube_service_spec_external_ip namespace service uid external_ip
kube_service_status_load_balancer_ingress namespace service uid ip hostname

kube_poddisruptionbudget_labels namespace poddisruptionbudget
kube_poddisruptionbudget_annotations namespace poddisruptionbudget
kube_poddisruptionbudget_created namespace poddisruptionbudget
kube_poddisruptionbudget_status_current_healthy namespace poddisruptionbudget
kube_poddisruptionbudget_status_desired_healthy namespace poddisruptionbudget
kube_poddisruptionbudget_status_pod_disruptions_allowed namespace poddisruptionbudget
kube_poddisruptionbudget_status_expected_pods namespace poddisruptionbudget
kube_poddisruptionbudget_status_observed_generation namespace poddisruptionbudget
`

// ksmOpenResources are kube-state-metrics resources whose series are not
// listed above: any kube_<resource>_* name is accepted, with any label.
var ksmOpenResources = []string{
	"kube_certificatesigningrequest_", "kube_configmap_", "kube_endpoint_", "kube_endpointslice_",
	"kube_ingress_", "kube_ingressclass_", "kube_lease_", "kube_limitrange", "kube_mutatingwebhookconfiguration_",
	"kube_networkpolicy_", "kube_persistentvolume_info", "kube_replicationcontroller_", "kube_resourcequota",
	"kube_secret_", "kube_storageclass_", "kube_validatingwebhookconfiguration_", "kube_volumeattachment_",
	"kube_state_metrics_",
}

// ksmLabelMetrics maps the resource names of kube-state-metrics'
// --metric-labels-allowlist to the series carrying the allow-listed labels.
var ksmLabelMetrics = map[string]string{
	"pods":                     "kube_pod_labels",
	"jobs":                     "kube_job_labels",
	"cronjobs":                 "kube_cronjob_labels",
	"deployments":              "kube_deployment_labels",
	"statefulsets":             "kube_statefulset_labels",
	"daemonsets":               "kube_daemonset_labels",
	"replicasets":              "kube_replicaset_labels",
	"nodes":                    "kube_node_labels",
	"namespaces":               "kube_namespace_labels",
	"persistentvolumeclaims":   "kube_persistentvolumeclaim_labels",
	"persistentvolumes":        "kube_persistentvolume_labels",
	"horizontalpodautoscalers": "kube_horizontalpodautoscaler_labels",
	"services":                 "kube_service_labels",
	"poddisruptionbudgets":     "kube_poddisruptionbudget_labels",
}

// cadvisorLabels are on every cAdvisor container series; the kubelet's
// ServiceMonitor (honorLabels) adds node and metrics_path.
var cadvisorLabels = []string{"container", "id", "image", "name", "namespace", "pod", "job", "instance", "node", "metrics_path", "service", "endpoint"}

// cadvisor lists the kubelet's cAdvisor series with their extra labels.
const cadvisor = `
container_cpu_usage_seconds_total cpu
container_cpu_user_seconds_total
container_cpu_system_seconds_total
container_cpu_cfs_periods_total
container_cpu_cfs_throttled_periods_total
container_cpu_cfs_throttled_seconds_total
container_cpu_load_average_10s
container_memory_usage_bytes
container_memory_working_set_bytes
container_memory_rss
container_memory_cache
container_memory_swap
container_memory_mapped_file
container_memory_max_usage_bytes
container_memory_failcnt
container_memory_kernel_usage
container_memory_failures_total failure_type scope
container_oom_events_total
container_network_receive_bytes_total interface
container_network_transmit_bytes_total interface
container_network_receive_packets_total interface
container_network_transmit_packets_total interface
container_network_receive_packets_dropped_total interface
container_network_transmit_packets_dropped_total interface
container_network_receive_errors_total interface
container_network_transmit_errors_total interface
container_network_tcp_usage_total tcp_state
container_network_udp_usage_total udp_state
container_fs_usage_bytes device
container_fs_limit_bytes device
container_fs_reads_bytes_total device
container_fs_writes_bytes_total device
container_fs_reads_total device
container_fs_writes_total device
container_fs_inodes_free device
container_fs_inodes_total device
container_blkio_device_usage_total device major minor operation
container_spec_cpu_quota
container_spec_cpu_period
container_spec_cpu_shares
container_spec_memory_limit_bytes
container_spec_memory_reservation_limit_bytes
container_spec_memory_swap_limit_bytes
container_start_time_seconds
container_last_seen
container_processes
container_threads
container_threads_max
container_sockets
container_file_descriptors
container_ulimits_soft ulimit
container_tasks_state state
`

// openFamilies are metric name prefixes of components kube-prometheus-stack
// scrapes whose series are not modelled label by label: any name with the
// prefix is accepted, with any label.
var openFamilies = []struct{ prefix, kind string }{
	{"node_", KindNodeExporter},
	{"machine_", KindCAdvisor},
	{"container_pressure_", KindCAdvisor},
	{"prometheus_", KindStack},
	{"alertmanager_", KindStack},
	{"grafana_", KindStack},
	{"kubelet_", KindStack},
	{"kubelet:", KindStack},
	{"prober_", KindStack},
	{"apiserver_", KindStack},
	{"etcd_", KindStack},
	{"coredns_", KindStack},
	{"scheduler_", KindStack},
	{"kubeproxy_", KindStack},
	{"rest_client_", KindStack},
	{"workqueue_", KindStack},
	{"storage_operation_", KindStack},
	{"volume_manager_", KindStack},
	{"csi_operations_", KindStack},
	{"kubernetes_build_info", KindStack},
	{"go_", KindStack},
	{"process_", KindStack},
	{"net_conntrack_", KindStack},
	{"promhttp_", KindStack},
}

// scrapeSeries are the series Prometheus writes for every target.
var scrapeSeries = []string{
	"up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
	"scrape_series_added", "scrape_timeout_seconds", "scrape_sample_limit", "scrape_body_size_bytes",
}

// stackTargetLabels are the target labels of the stack's own ServiceMonitor
// targets (Prometheus, Alertmanager, node-exporter, kubelet, apiserver, ...).
var stackTargetLabels = append([]string{"node", "metrics_path"}, serviceMonitorLabels...)

// table parses "name label label..." lines.
func table(t string) [][]string {
	var out [][]string
	for line := range strings.Lines(t) {
		if f := strings.Fields(line); len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}
