// Package dcgm is what NVIDIA's dcgm-exporter exports, as data: the
// counters the generated stack enables (the collectors CSV the chart's
// ConfigMap holds) and the labels of their series. The alert generator, the
// Helm values, the metric catalog and the rule-test generator read it.
package dcgm

import (
	"slices"
	"strings"
)

// Counter is one line of dcgm-exporter's collectors CSV: a DCGM field, its
// Prometheus type, its help text.
type Counter struct {
	Field, Type, Help string
	// Group is the comment heading the line's section in the CSV.
	Group string
	// Added: off in the chart's default list, turned on by dataopsgen (the
	// GPU health alerts and panels read it).
	Added bool
}

// Counters are the collectors the generated dcgm-exporter values enable:
// the chart's default list (dcgm-exporter chart 4.6.0,
// templates/metrics-configmap.yaml, the `metrics` key of ConfigMap
// exporter-metrics-config-map that the DaemonSet mounts over
// /etc/dcgm-exporter/default-counters.csv, read with `-f`; it differs a
// little from NVIDIA/dcgm-exporter@4.4.1-4.6.0 etc/default-counters.csv,
// e.g. it has no DCGM_FI_DRIVER_VERSION label field), with the ECC and
// throttling (violation) counters the chart leaves commented out turned on. The chart's `customMetrics` value
// replaces the whole list ("Must be the complete list and is not additive",
// values.yaml): every line is here.
var Counters = []Counter{
	{Group: "Clocks", Field: "DCGM_FI_DEV_SM_CLOCK", Type: "gauge", Help: "SM clock frequency (in MHz)."},
	{Group: "Clocks", Field: "DCGM_FI_DEV_MEM_CLOCK", Type: "gauge", Help: "Memory clock frequency (in MHz)."},
	{Group: "Temperature", Field: "DCGM_FI_DEV_MEMORY_TEMP", Type: "gauge", Help: "Memory temperature (in C)."},
	{Group: "Temperature", Field: "DCGM_FI_DEV_GPU_TEMP", Type: "gauge", Help: "GPU temperature (in C)."},
	{Group: "Power", Field: "DCGM_FI_DEV_POWER_USAGE", Type: "gauge", Help: "Power draw (in W)."},
	{Group: "Power", Field: "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", Type: "counter", Help: "Total energy consumption since boot (in mJ)."},
	{Group: "PCIE", Field: "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", Type: "counter", Help: "Total number of PCIe retries."},
	{Group: "Utilization", Field: "DCGM_FI_DEV_GPU_UTIL", Type: "gauge", Help: "GPU utilization (in %)."},
	{Group: "Utilization", Field: "DCGM_FI_DEV_MEM_COPY_UTIL", Type: "gauge", Help: "Memory utilization (in %)."},
	{Group: "Utilization", Field: "DCGM_FI_DEV_ENC_UTIL", Type: "gauge", Help: "Encoder utilization (in %)."},
	{Group: "Utilization", Field: "DCGM_FI_DEV_DEC_UTIL", Type: "gauge", Help: "Decoder utilization (in %)."},
	{Group: "Errors and violations", Field: "DCGM_FI_DEV_XID_ERRORS", Type: "gauge", Help: "Value of the last XID error encountered."},
	{Group: "Errors and violations", Field: "DCGM_FI_DEV_POWER_VIOLATION", Type: "counter", Help: "Throttling duration due to power constraints (in us).", Added: true},
	{Group: "Errors and violations", Field: "DCGM_FI_DEV_THERMAL_VIOLATION", Type: "counter", Help: "Throttling duration due to thermal constraints (in us).", Added: true},
	{Group: "Memory usage", Field: "DCGM_FI_DEV_FB_FREE", Type: "gauge", Help: "Framebuffer memory free (in MiB)."},
	{Group: "Memory usage", Field: "DCGM_FI_DEV_FB_USED", Type: "gauge", Help: "Framebuffer memory used (in MiB)."},
	{Group: "ECC", Field: "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", Type: "counter", Help: "Total number of single-bit volatile ECC errors.", Added: true},
	{Group: "ECC", Field: "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", Type: "counter", Help: "Total number of double-bit volatile ECC errors.", Added: true},
	{Group: "ECC", Field: "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL", Type: "counter", Help: "Total number of single-bit persistent ECC errors.", Added: true},
	{Group: "ECC", Field: "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", Type: "counter", Help: "Total number of double-bit persistent ECC errors.", Added: true},
	{Group: "NVLink", Field: "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", Type: "counter", Help: "Total number of NVLink bandwidth counters for all lanes."},
	{Group: "VGPU License status", Field: "DCGM_FI_DEV_VGPU_LICENSE_STATUS", Type: "gauge", Help: "vGPU License status"},
	{Group: "Remapped rows", Field: "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", Type: "counter", Help: "Number of remapped rows for uncorrectable errors"},
	{Group: "Remapped rows", Field: "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", Type: "counter", Help: "Number of remapped rows for correctable errors"},
	{Group: "Remapped rows", Field: "DCGM_FI_DEV_ROW_REMAP_FAILURE", Type: "gauge", Help: "Whether remapping of rows has failed"},
	{Group: "DCP metrics", Field: "DCGM_FI_PROF_GR_ENGINE_ACTIVE", Type: "gauge", Help: "Ratio of time the graphics engine is active."},
	{Group: "DCP metrics", Field: "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", Type: "gauge", Help: "Ratio of cycles the tensor (HMMA) pipe is active."},
	{Group: "DCP metrics", Field: "DCGM_FI_PROF_DRAM_ACTIVE", Type: "gauge", Help: "Ratio of cycles the device memory interface is active sending or receiving data."},
	{Group: "DCP metrics", Field: "DCGM_FI_PROF_PCIE_TX_BYTES", Type: "counter", Help: "The number of bytes of active pcie tx data including both header and payload."},
	{Group: "DCP metrics", Field: "DCGM_FI_PROF_PCIE_RX_BYTES", Type: "counter", Help: "The number of bytes of active pcie rx data including both header and payload."},
}

// The fields the generated alerts and panels read.
const (
	GPUUtil                 = "DCGM_FI_DEV_GPU_UTIL"
	FBUsed                  = "DCGM_FI_DEV_FB_USED"
	GPUTemp                 = "DCGM_FI_DEV_GPU_TEMP"
	XIDErrors               = "DCGM_FI_DEV_XID_ERRORS"
	ThermalViolation        = "DCGM_FI_DEV_THERMAL_VIOLATION"
	PowerViolation          = "DCGM_FI_DEV_POWER_VIOLATION"
	ECCDBEVolatile          = "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"
	UncorrectableRemapped   = "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS"
	RowRemapFailure         = "DCGM_FI_DEV_ROW_REMAP_FAILURE"
	ViolationUnitsPerSecond = 1e6 // the violation counters count µs (their help text)
)

// Labels of a GPU's series (NVIDIA/dcgm-exporter@4.4.1-4.6.0, the image of
// chart 4.6.0): internal/pkg/rendermetrics/render_metrics.go writes gpu,
// UUID (internal/pkg/collector/gpu_collector.go: "UUID" unless the old
// "uuid" is asked for), pci_bus_id, device, modelName, Hostname (renamed
// hostname after 4.5.3-4.8.2, NVIDIA/dcgm-exporter#655), the label
// counters (none in the list above) and attributes: err_code and err_msg on
// DCGM_FI_DEV_XID_ERRORS (gpu_collector.go); GPU_I_PROFILE and GPU_I_ID on a
// MIG instance; with Kubernetes mapping, which
// the chart turns on (DCGM_EXPORTER_KUBERNETES=true), the pod, namespace and
// container using the GPU (internal/pkg/transformation/const.go).
const (
	LabelGPU      = "gpu"
	LabelUUID     = "UUID"
	LabelHostname = "Hostname"
	LabelErrCode  = "err_code"
	LabelErrMsg   = "err_msg"
)

// Labels lists every label of a DCGM series, before the scrape's.
var Labels = []string{
	LabelGPU, LabelUUID, "pci_bus_id", "device", "modelName", LabelHostname, "GPU_I_PROFILE", "GPU_I_ID",
	LabelErrCode, LabelErrMsg, "namespace", "pod", "container",
}

// GPUKey are the labels naming one GPU of one pod in the alerts (max by).
var GPUKey = []string{"namespace", "pod", LabelHostname, LabelGPU, LabelUUID}

// Fields lists the enabled fields, sorted.
func Fields() []string {
	out := make([]string, len(Counters))
	for i, c := range Counters {
		out[i] = c.Field
	}
	slices.Sort(out)
	return out
}

// Enabled reports whether field is a collected counter.
func Enabled(field string) bool {
	return slices.ContainsFunc(Counters, func(c Counter) bool { return c.Field == field })
}

// CSV is the collectors file: the chart's format (`# ` comments, one
// "field, type, help" line per counter), grouped under the chart's headings.
func CSV() string {
	var b strings.Builder
	b.WriteString("# Generated by dataopsgen: dcgm-exporter chart 4.6.0's default list,\n")
	b.WriteString("# with the ECC and throttling (violation) counters turned on.\n")
	b.WriteString("# DCGM FIELD, Prometheus metric type, help message\n")
	group := ""
	for _, c := range Counters {
		if c.Group != group {
			group = c.Group
			b.WriteString("\n# " + group + "\n")
		}
		b.WriteString(c.Field + ", " + c.Type + ", " + c.Help + "\n")
	}
	return b.String()
}
