package rules

import (
	"fmt"
	"math"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/dcgm"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// GPU alert names.
const (
	GPUXidError                  = "GPUXidError"
	GPURowRemapFailure           = "GPURowRemapFailure"
	GPUUncorrectableRowsRemapped = "GPUUncorrectableRowsRemapped"
	GPUDoubleBitECCErrors        = "GPUDoubleBitECCErrors"
	GPUTemperatureHigh           = "GPUTemperatureHigh"
	GPUThermalThrottling         = "GPUThermalThrottling"
	GPUIdle                      = "GPUIdle"
)

// gpuAlerts watch the GPUs of the workload's pods, from dcgm-exporter
// (internal/dcgm). Its ServiceMonitor has honorLabels, so a GPU's series
// carry the namespace and pod using the GPU; the join on kube_pod_labels
// keeps the workload's pods. Each alert is one GPU of one pod.
func gpuAlerts(w *model.Workload) []alert {
	g := w.GPUHealth()
	by := strings.Join(dcgm.GPUKey, ", ")
	ns := stack.Matchers(stack.LabelNamespace, w.Namespace)
	ofPods := "\nand on (namespace, pod)\n" + ksmLabels("kube_pod_labels", w)
	gpu := "GPU {{ $labels.gpu }} ({{ $labels.UUID }}) on {{ $labels.Hostname }}"
	of := func(what string) string {
		return fmt.Sprintf("%s used by pod {{ $labels.pod }} (workload %s) in namespace {{ $labels.namespace }} %s", gpu, w.Name, what)
	}
	// window: the max by (…) of a range function of field over window.
	window := func(fn, field, window string) string {
		return fmt.Sprintf("max by (%s) (%s(%s%s[%s]))", by, fn, field, ns, window)
	}
	var out []alert
	if a := g.XID; a.Enabled {
		out = append(out, alert{
			name: GPUXidError,
			// DCGM keeps a GPU's last XID (a gauge holding the code, also in
			// err_code) until the exporter restarts: an XID is new when
			// the GPU did not report that code `window` ago, whichever pod
			// held the GPU then.
			expr: fmt.Sprintf("max by (%s, %s, %s) (%s%s > 0)\nunless on (%s, %s)\n%s offset %s%s",
				by, dcgm.LabelErrCode, dcgm.LabelErrMsg, dcgm.XIDErrors, ns, dcgm.LabelUUID, dcgm.LabelErrCode, dcgm.XIDErrors, a.Window, ofPods),
			severity: a.Severity,
			summary:  "GPU {{ $labels.gpu }} of pod {{ $labels.pod }} reported XID {{ $labels.err_code }}",
			description: of("reported XID error {{ $labels.err_code }} ({{ $labels.err_msg }}) in the last " + a.Window +
				": see NVIDIA's XID catalog; the GPU may need a reset or the node a drain."),
			source: w.Path("gpuAlerts", "xid"),
		})
	}
	if a := g.RowRemap; a.Enabled {
		out = append(out, alert{
			name:        GPURowRemapFailure,
			expr:        fmt.Sprintf("max by (%s) (%s%s) > 0%s", by, dcgm.RowRemapFailure, ns, ofPods),
			severity:    a.Severity,
			summary:     "Row remapping failed on GPU {{ $labels.gpu }} of pod {{ $labels.pod }}",
			description: of("failed to remap a memory row: the GPU has no spare rows left and must be replaced."),
			source:      w.Path("gpuAlerts", "rowRemap"),
		}, alert{
			name:     GPUUncorrectableRowsRemapped,
			expr:     fmt.Sprintf("%s > 0%s", window("increase", dcgm.UncorrectableRemapped, a.Window), ofPods),
			severity: a.Severity,
			summary:  "GPU {{ $labels.gpu }} of pod {{ $labels.pod }} remapped rows for uncorrectable errors",
			description: of("remapped {{ $value | printf \"%.0f\" }} memory row(s) for uncorrectable errors in the last " + a.Window +
				": the remap takes effect after a GPU reset; the running job may have seen corrupted memory."),
			source: w.Path("gpuAlerts", "rowRemap"),
		})
	}
	if a := g.ECC; a.Enabled {
		out = append(out, alert{
			name:     GPUDoubleBitECCErrors,
			expr:     fmt.Sprintf("%s > 0%s", window("increase", dcgm.ECCDBEVolatile, a.Window), ofPods),
			severity: a.Severity,
			summary:  "Uncorrectable ECC errors on GPU {{ $labels.gpu }} of pod {{ $labels.pod }}",
			description: of("had {{ $value | printf \"%.0f\" }} double-bit (uncorrectable) ECC error(s) in the last " + a.Window +
				": the job's results may be corrupt; the GPU needs a reset."),
			source: w.Path("gpuAlerts", "ecc"),
		})
	}
	if a := g.Temperature; a.Enabled {
		out = append(out, alert{
			name:        GPUTemperatureHigh,
			expr:        fmt.Sprintf("max by (%s) (%s%s) > %s%s", by, dcgm.GPUTemp, ns, num(a.Max), ofPods),
			forDur:      a.For,
			severity:    a.Severity,
			summary:     "GPU {{ $labels.gpu }} of pod {{ $labels.pod }} runs at {{ $value }} °C",
			description: of(fmt.Sprintf("has been above %s °C for %s (now {{ $value }} °C).", num(a.Max), a.For)),
			source:      w.Path("gpuAlerts", "temperature"),
		})
	}
	if a := g.Throttling; a.Enabled {
		out = append(out, alert{
			name: GPUThermalThrottling,
			// The violation counter counts microseconds of throttling.
			expr: fmt.Sprintf("%s / %s > %s%s", window("rate", dcgm.ThermalViolation, a.Window),
				num(dcgm.ViolationUnitsPerSecond), num(a.Max), ofPods),
			forDur:   a.For,
			severity: a.Severity,
			summary:  "GPU {{ $labels.gpu }} of pod {{ $labels.pod }} is thermally throttled",
			description: of(fmt.Sprintf("was slowed down by thermal limits {{ $value | humanizePercentage }} of the time over the last %s "+
				"(allowed: %s), for %s.", a.Window, num(math.Round(a.Max*100*1000)/1000)+"%", a.For)),
			source: w.Path("gpuAlerts", "throttling"),
		})
	}
	if a := g.Idle; a.Enabled {
		out = append(out, alert{
			name:     GPUIdle,
			expr:     fmt.Sprintf("%s < %s%s", window("avg_over_time", dcgm.GPUUtil, a.Window), num(a.Below), ofPods),
			forDur:   a.For,
			severity: a.Severity,
			summary:  "GPU {{ $labels.gpu }} of pod {{ $labels.pod }} is idle",
			description: of(fmt.Sprintf("has averaged under %s%% utilization over every %s for %s (now {{ $value | printf \"%%.1f\" }}%%): "+
				"a GPU held and not used.", num(a.Below), a.Window, a.For)),
			source: w.Path("gpuAlerts", "idle"),
		})
	}
	return out
}
