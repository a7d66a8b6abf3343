package dashboards

import (
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/units"

	"github.com/dataopsgen/dataopsgen/internal/dcgm"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// gpuRow: use and health of the selected pods' GPUs, from dcgm-exporter
// (internal/dcgm). It runs with honorLabels, so its series carry the
// namespace/pod/container of the pod using the GPU, not the exporter's.
// The panels do not grow with the workloads; they and the row are the GPU
// workloads'.
func gpuRow(d *board, s *model.Spec) {
	gpus := d.of(filter(s.Workloads, func(w *model.Workload) bool { return w.GPU }))
	d.row("GPU", gpus)
	perGPU := "{{pod}} GPU {{gpu}}"
	by := "pod, " + dcgm.LabelHostname + ", gpu"
	p := d.timeseries("GPU utilization", units.Percent, halfWidth,
		promQuery("A", "avg by (pod) ("+dcgm.GPUUtil+podSel()+")", "{{pod}}")).
		Min(0).
		Max(100)
	if lo, hi, ok := gpuSpan(s, func(g *model.GPUAlerts) (float64, bool) { return g.Idle.Below, g.Idle.Enabled }); ok && lo == hi {
		// Idle below the line: the GPUIdle alert's threshold.
		p = withThreshold(p, lo)
	}
	d.add(p, gpus)
	// DCGM reports framebuffer memory in MiB.
	d.add(d.timeseries("GPU memory used", units.Mebibytes, halfWidth,
		promQuery("A", "sum by (pod) ("+dcgm.FBUsed+podSel()+")", "{{pod}}")).
		Min(0), gpus)
	temp := d.timeseries("GPU temperature", units.Celsius, halfWidth,
		promQuery("A", "max by ("+by+") ("+dcgm.GPUTemp+podSel()+")", perGPU))
	if lo, hi, ok := gpuSpan(s, func(g *model.GPUAlerts) (float64, bool) { return g.Temperature.Max, g.Temperature.Enabled }); ok {
		if lo == hi {
			temp = withThreshold(temp, lo)
		} else {
			temp = temp.Description(fmt.Sprintf("GPUTemperatureHigh fires between %s and %s °C, by workload.", float(lo), float(hi)))
		}
	}
	d.add(temp, gpus)
	// The violation counters count microseconds throttled.
	throttled := func(field string) string {
		return fmt.Sprintf("max by (%s) (%s) / %s", by, rate(field, podSel()), float(dcgm.ViolationUnitsPerSecond))
	}
	d.add(d.timeseries("GPU time throttled", units.PercentUnit, halfWidth,
		promQuery("A", throttled(dcgm.ThermalViolation), perGPU+" thermal"),
		promQuery("B", throttled(dcgm.PowerViolation), perGPU+" power")).
		Min(0).
		Description("Share of the time each GPU was slowed down by its thermal or power limits (DCGM violation counters)."), gpus)
	d.add(d.timeseries("GPU memory errors", units.Short, halfWidth,
		promQuery("A", "max by ("+by+") (increase("+dcgm.ECCDBEVolatile+podSel()+rateInterval+"))", perGPU+" double-bit ECC"),
		promQuery("B", "max by ("+by+") (increase("+dcgm.UncorrectableRemapped+podSel()+rateInterval+"))", perGPU+" rows remapped (uncorrectable)"),
		promQuery("C", "max by ("+by+") ("+dcgm.RowRemapFailure+podSel()+")", perGPU+" row remap failed")).
		Min(0).
		Description("Uncorrectable memory errors: any is a GPU to reset or replace."), gpus)
	xid := promQuery("A", fmt.Sprintf("max by (%s, %s, %s) (%s%s > 0)", by, dcgm.LabelErrCode, dcgm.LabelErrMsg, dcgm.XIDErrors, podSel()), "")
	xid.Format(prometheus.PromQueryFormatTable).Instant()
	d.add(d.table("GPU XID errors (last per GPU)", units.Short, halfWidth, promDS(), xid).
		Description("The last XID each GPU reported (DCGM keeps it until dcgm-exporter restarts); none is good."), gpus)
}

// gpuSpan is the smallest and largest of a GPU alert's threshold over the
// GPU workloads that have it enabled (ok false: none has).
func gpuSpan(s *model.Spec, f func(*model.GPUAlerts) (float64, bool)) (lo, hi float64, ok bool) {
	var ws []*model.Workload
	for _, w := range s.Workloads {
		if w.GPUHealth() != nil {
			if _, on := f(w.GPUHealth()); on {
				ws = append(ws, w)
			}
		}
	}
	if len(ws) == 0 {
		return 0, 0, false
	}
	lo, hi = span(ws, func(w *model.Workload) float64 { v, _ := f(w.GPUHealth()); return v })
	return lo, hi, true
}
