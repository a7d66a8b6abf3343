package ruletests

import (
	"fmt"
	"math"
	"strconv"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/prometheus/model/labels"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/dcgm"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// gpuWindows are the windows of the workload's enabled GPU alerts.
func gpuWindows(w *model.Workload) []string {
	g := w.GPUHealth()
	var out []string
	for _, a := range []struct {
		on     bool
		window string
	}{
		{g.XID.Enabled, g.XID.Window}, {g.RowRemap.Enabled, g.RowRemap.Window}, {g.ECC.Enabled, g.ECC.Window},
		{g.Throttling.Enabled, g.Throttling.Window}, {g.Idle.Enabled, g.Idle.Window},
	} {
		if a.on {
			out = append(out, a.window)
		}
	}
	return out
}

// gpuTimeline refines tl, the timeline of the workload's kind, so that the
// GPU alerts' windows fit too: a step that divides tl's (so that the
// kind's windows stay on the grid and at least four steps long) and every
// GPU window, at most a quarter of the shortest; the healthy phase lasts
// the longest window of all plus a step.
func gpuTimeline(tl timeline, w *model.Workload) (timeline, error) {
	if w.GPUHealth() == nil {
		return tl, nil
	}
	windows := gpuWindows(w)
	if len(windows) == 0 {
		return tl, nil
	}
	// A step dividing the kind's step divides the kind's windows; the
	// kind's step is a quarter of its shortest window at most.
	ws, err := durs(windows)
	if err != nil {
		return timeline{}, err
	}
	if out, ok := gridFor(ws, []time.Duration{tl.step}, 4*tl.step, tl.onset-tl.step); ok {
		return out, nil
	}
	return timeline{}, fmt.Errorf("GPU windows %v: no test step divides them and %s with at most a quarter of the shortest", windows, tl.step)
}

// gpuFault is the GPU failure a scenario injects at onset on the faulty
// GPUs (pod 0's and the decoys').
type gpuFault int

const (
	gpuHealthy gpuFault = iota
	gpuXID
	gpuRemapFailure
	gpuRowsRemapped
	gpuECC
	gpuHot
	gpuThrottled
	gpuIdle
)

// A GPU's values: healthy, and faulty.
const (
	healthyTemp = 60.0 // °C
	healthyUtil = 80.0 // %
	xidCode     = 79   // NVIDIA/dcgm-exporter@4.4.1-4.6.0 internal/pkg/collector/xid_errors.go:
	xidMsg      = "GPU has fallen off the bus"
	noXIDMsg    = "No Error" // xidErrCodeToText[0]
)

// gpuTests are the GPU scenarios: a healthy one and one per enabled alert,
// with the series dcgm-exporter exports for the GPUs of the workload's two
// pods, of decoys carrying the same fault (the same workload in another
// namespace, a neighbour workload, a GPU no pod holds), and
// kube_pod_labels. Only the GPU alerts are checked (the series of the
// kind's alerts are not there).
func gpuTests(s *model.Spec, w *model.Workload, tl timeline, byName map[string]monitoringv1.Rule, parsed *sharedParses) ([]promunit.TestGroup, error) {
	g := w.GPUHealth()
	sb := labels.NewScratchBuilder(16)
	x := &gpuWorld{w: w, g: g, tl: tl, pods: [4]pod{podOf(w, 0), podOf(w, 1), elsewhere(w), neighbour(w)}, free: s.Stack.Namespace, sb: &sb, parsed: parsed}
	type check struct {
		a     *alertRule
		fault gpuFault
		// value of the alert (its settled value, when settled is set)
		value func(a *alertRule) float64
		what  string
	}
	var checks []check
	add := func(name, forDur string, f gpuFault, what string, value func(*alertRule) float64, timing func(*alertRule) error) error {
		a, err := lookup(tl, byName, name, forDur)
		if err != nil || a == nil {
			return err
		}
		if timing != nil {
			if err := timing(a); err != nil {
				return err
			}
		}
		checks = append(checks, check{a, f, value, what})
		return nil
	}
	one := func(*alertRule) float64 { return 1 }
	var errs []error
	errs = append(errs,
		add(rules.GPUXidError, "0s", gpuXID, fmt.Sprintf("reports XID %d", xidCode), func(*alertRule) float64 { return xidCode }, nil),
		add(rules.GPURowRemapFailure, "0s", gpuRemapFailure, "fails to remap a row", one, nil),
		add(rules.GPUUncorrectableRowsRemapped, "0s", gpuRowsRemapped, "remaps a row for an uncorrectable error",
			x.increaseAt(dcgm.UncorrectableRemapped, g.RowRemap.Window), x.counterCrossing(gpuRowsRemapped, g.RowRemap.Window)),
		add(rules.GPUDoubleBitECCErrors, "0s", gpuECC, "has a double-bit ECC error",
			x.increaseAt(dcgm.ECCDBEVolatile, g.ECC.Window), x.counterCrossing(gpuECC, g.ECC.Window)),
		add(rules.GPUTemperatureHigh, g.Temperature.For, gpuHot, fmt.Sprintf("runs at %s °C", num(x.hotTemp())),
			func(*alertRule) float64 { return x.hotTemp() }, nil),
		add(rules.GPUThermalThrottling, g.Throttling.For, gpuThrottled, fmt.Sprintf("is throttled %s of the time", num(math.Round(x.throttled(true)*100*1000)/1000)+"%"),
			x.throttledRate, x.throttleCrossing),
		add(rules.GPUIdle, g.Idle.For, gpuIdle, fmt.Sprintf("is used %s%%", num(x.idleUtil())),
			x.avgUtil, x.idleCrossing),
	)
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	all := make([]*alertRule, len(checks))
	for i, c := range checks {
		all[i] = c.a
	}
	var out []*scenario
	var ex expander
	scen := func(name string, f gpuFault) *scenario {
		sc := &scenario{name: name, build: func(n int) ([]promunit.Series, error) { return x.series(f, n), nil }}
		out = append(out, sc)
		return sc
	}
	scen("GPUs healthy: no XID, no memory error, cool, not throttled, busy: no GPU alert", gpuHealthy).quiet(latest(tl, all...), all...)
	p0 := x.pods[0]
	for _, c := range checks {
		// A GPU alert names the GPU (host, index, UUID) and the pod using it.
		gl := x.gpuLabels(0, p0)
		l := labelSet{}
		for _, k := range []string{stack.LabelNamespace, stack.LabelPod, dcgm.LabelHostname, dcgm.LabelGPU, dcgm.LabelUUID} {
			l[k] = gl[k]
		}
		if c.fault == gpuXID {
			l = l.with(dcgm.LabelErrCode, strconv.Itoa(xidCode), dcgm.LabelErrMsg, xidMsg)
		}
		exp := fire(&ex, c.a, l, c.value(c.a))
		sc := scen(fmt.Sprintf("%s: the GPU of pod %s %s", c.a.rule.Alert, p0.name, c.what), c.fault)
		sc.breaks(tl, c.a, exp, except(all, c.a)...)
		if c.fault == gpuXID {
			// DCGM keeps the last XID: the alert ends once it is window old.
			d, _ := dur(g.XID.Window)
			sc.quiet(tl.onset+d, c.a)
		}
	}
	if err := ex.run(); err != nil {
		return nil, err
	}
	return groups(tl, out)
}

// gpuWorld holds what the GPU series depend on.
type gpuWorld struct {
	w    *model.Workload
	g    *model.GPUAlerts
	tl   timeline
	pods [4]pod
	// free is the namespace of the dcgm-exporter pod, whose labels a GPU no
	// pod holds carries (honorLabels keeps the target's when the exporter
	// sets none).
	free string
	sb   *labels.ScratchBuilder
	// parsed tells plain metric names, shared by the generation.
	parsed *sharedParses
}

// gpuLabels are the labels of the series of GPU i (0-3: the GPU of pods[i];
// 4: a GPU no pod holds): dcgm-exporter's own (internal/dcgm) and the
// ServiceMonitor's target labels.
func (x *gpuWorld) gpuLabels(i int, p pod) labelSet {
	node := fmt.Sprintf("gpu-node-%d", i/2)
	index := strconv.Itoa(i % 2)
	l := labelSet{
		dcgm.LabelGPU: index, dcgm.LabelUUID: fmt.Sprintf("GPU-%08d-0000-0000-0000-00000000000%d", i/2, i%2),
		"pci_bus_id": fmt.Sprintf("00000000:%02d:00.0", 10+i%2), "device": "nvidia" + index, "modelName": "NVIDIA H100 80GB HBM3",
		dcgm.LabelHostname: node,
		"job":              "dcgm-exporter", "instance": fmt.Sprintf("10.0.7.%d:9400", 10+i/2), "service": "dcgm-exporter", "endpoint": "metrics",
	}
	if i == 4 {
		l[dcgm.LabelGPU], l["device"] = "2", "nvidia2"
		return l.with(stack.LabelNamespace, x.free, stack.LabelPod, "dcgm-exporter-x7k2p", stack.LabelContainer, "exporter")
	}
	return l.with(stack.LabelNamespace, p.w.Namespace, stack.LabelPod, p.name, stack.LabelContainer, p.w.Name)
}

// hotTemp is a faulty GPU's temperature: above the maximum.
func (x *gpuWorld) hotTemp() float64 { return x.g.Temperature.Max + 5 }

// throttled is the fraction of time a GPU is thermally throttled: under a
// quarter of the maximum when healthy, halfway between it and always when
// faulty.
func (x *gpuWorld) throttled(faulty bool) float64 {
	if faulty {
		return (x.g.Throttling.Max + 1) / 2
	}
	return x.g.Throttling.Max / 4
}

// idleUtil is a faulty GPU's utilization: half the idle threshold.
func (x *gpuWorld) idleUtil() float64 { return x.g.Idle.Below / 2 }

// values are the series values of one field of a GPU in a scenario.
func (x *gpuWorld) values(field string, f gpuFault, faulty bool, n int) *values {
	on := x.tl.onsetIndex()
	step := x.tl.step.Seconds()
	switch field {
	case dcgm.RowRemapFailure:
		v := start(0).until(on, 0)
		if faulty && f == gpuRemapFailure {
			return v.then(1, n)
		}
		return v.until(n, 0)
	case dcgm.UncorrectableRemapped, dcgm.ECCDBEVolatile:
		// A counter that goes up by one at onset.
		v := start(0).until(on, 0)
		if faulty && (f == gpuRowsRemapped && field == dcgm.UncorrectableRemapped || f == gpuECC && field == dcgm.ECCDBEVolatile) {
			return v.then(1, n)
		}
		return v.until(n, 0)
	case dcgm.GPUTemp:
		v := start(healthyTemp).until(on, 0)
		if faulty && f == gpuHot {
			return v.then(x.hotTemp(), n)
		}
		return v.until(n, 0)
	case dcgm.ThermalViolation:
		// Microseconds of throttling, accumulated.
		v := start(0).until(on, x.throttled(false)*step*dcgm.ViolationUnitsPerSecond)
		if faulty && f == gpuThrottled {
			return v.until(n, x.throttled(true)*step*dcgm.ViolationUnitsPerSecond)
		}
		return v.until(n, x.throttled(false)*step*dcgm.ViolationUnitsPerSecond)
	case dcgm.GPUUtil:
		v := start(healthyUtil).until(on, 0)
		if faulty && f == gpuIdle {
			return v.then(x.idleUtil(), n)
		}
		return v.until(n, 0)
	}
	return nil
}

// fields are the DCGM fields the enabled alerts read, besides the XID.
func (x *gpuWorld) fields() []string {
	g := x.g
	var out []string
	if g.RowRemap.Enabled {
		out = append(out, dcgm.RowRemapFailure, dcgm.UncorrectableRemapped)
	}
	if g.ECC.Enabled {
		out = append(out, dcgm.ECCDBEVolatile)
	}
	if g.Temperature.Enabled {
		out = append(out, dcgm.GPUTemp)
	}
	if g.Throttling.Enabled {
		out = append(out, dcgm.ThermalViolation)
	}
	if g.Idle.Enabled {
		out = append(out, dcgm.GPUUtil)
	}
	return out
}

// faultFields are the DCGM fields a fault shows in (the XID aside).
var faultFields = map[gpuFault][]string{
	gpuRemapFailure: {dcgm.RowRemapFailure},
	gpuRowsRemapped: {dcgm.UncorrectableRemapped},
	gpuECC:          {dcgm.ECCDBEVolatile},
	gpuHot:          {dcgm.GPUTemp},
	gpuThrottled:    {dcgm.ThermalViolation},
	gpuIdle:         {dcgm.GPUUtil},
}

// series are the input series of a scenario, n samples each: for every GPU
// (the two pods', the decoys', the free one) the fields of the enabled
// alerts when healthy, those of the fault else (an alert reading another
// field than its own would fire in another alert's scenario, where the
// others must stay quiet), and the pods' kube_pod_labels.
func (x *gpuWorld) series(f gpuFault, n int) []promunit.Series {
	sb := x.sb
	fields, xid := x.fields(), x.g.XID.Enabled
	if f != gpuHealthy {
		fields, xid = faultFields[f], f == gpuXID
	}
	texts := map[[2]string]valuesText{}
	text := func(field string, faulty bool) valuesText {
		k := [2]string{field, strconv.FormatBool(faulty)}
		if t, ok := texts[k]; ok {
			return t
		}
		t := x.values(field, f, faulty, n).text()
		texts[k] = t
		return t
	}
	ones := start(1).until(n, 0).text()
	var out []promunit.Series
	for i := range 5 {
		var p pod
		if i < 4 {
			p = x.pods[i]
		}
		faulty := i != 1
		b := newBase(x.gpuLabels(i, p), sb, x.parsed)
		if xid {
			// Until the fault, XID 0 ("No Error"); then the last XID is
			// the fault's: the series of code 0 ends, one of its code starts.
			none := start(0).until(n, 0)
			if faulty && f == gpuXID {
				none = start(0).until(x.tl.onsetIndex(), 0).stale()
				out = append(out, b.input(dcgm.XIDErrors, gap(x.tl.onsetIndex()).then(xidCode, n).text(),
					dcgm.LabelErrCode, strconv.Itoa(xidCode), dcgm.LabelErrMsg, xidMsg))
			}
			out = append(out, b.input(dcgm.XIDErrors, none.text(), dcgm.LabelErrCode, "0", dcgm.LabelErrMsg, noXIDMsg))
		}
		for _, field := range fields {
			out = append(out, b.input(field, text(field, faulty)))
		}
		if i < 4 {
			obj := ksm.with(stack.LabelNamespace, p.w.Namespace, stack.LabelPod, p.name)
			out = append(out, newBase(p.objectLabels(obj), sb, x.parsed).input("kube_pod_labels", ones))
		}
	}
	return out
}

// increaseAt is the value of an increase alert on field over window: the
// increase PromQL computes at the time the alert fires.
func (x *gpuWorld) increaseAt(field, window string) func(*alertRule) float64 {
	return func(a *alertRule) float64 {
		d, _ := dur(window)
		t := a.fires(x.tl)
		return x.tl.increase(x.values(field, faultOf(field), true, x.tl.samples(t)).samples(), t, d)
	}
}

func faultOf(field string) gpuFault {
	if field == dcgm.ECCDBEVolatile {
		return gpuECC
	}
	return gpuRowsRemapped
}

// counterCrossing: when the increase of the fault's counter over window
// turns positive.
func (x *gpuWorld) counterCrossing(f gpuFault, window string) func(*alertRule) error {
	field := dcgm.UncorrectableRemapped
	if f == gpuECC {
		field = dcgm.ECCDBEVolatile
	}
	return func(a *alertRule) error {
		d, _ := dur(window)
		limit := x.tl.onset + d
		v := x.values(field, f, true, x.tl.samples(limit)).samples()
		return a.crossing(x.tl, limit, func(t time.Duration) (float64, float64) { return x.tl.increase(v, t, d), 0 })
	}
}

// throttledRate is rate(violation[window]) / 1e6 of a GPU throttled from
// onset, when a fires.
func (x *gpuWorld) throttledRate(a *alertRule) float64 {
	d, _ := dur(x.g.Throttling.Window)
	t := a.fires(x.tl)
	v := x.values(dcgm.ThermalViolation, gpuThrottled, true, x.tl.samples(t)).samples()
	return x.tl.rate(v, t, d) / dcgm.ViolationUnitsPerSecond
}

func (x *gpuWorld) throttleCrossing(a *alertRule) error {
	d, _ := dur(x.g.Throttling.Window)
	limit := x.tl.onset + d
	v := x.values(dcgm.ThermalViolation, gpuThrottled, true, x.tl.samples(limit)).samples()
	// The value is exactly throttledRate only once the window holds no
	// healthy sample.
	a.settled = limit
	return a.crossing(x.tl, limit, func(t time.Duration) (float64, float64) {
		return x.tl.rate(v, t, d) / dcgm.ViolationUnitsPerSecond, x.g.Throttling.Max
	})
}

// avgUtil is avg_over_time(util[window]) of a GPU idle from onset, when a
// fires.
func (x *gpuWorld) avgUtil(a *alertRule) float64 {
	d, _ := dur(x.g.Idle.Window)
	t := a.fires(x.tl)
	return x.tl.avgOverTime(x.values(dcgm.GPUUtil, gpuIdle, true, x.tl.samples(t)).samples(), t, d)
}

func (x *gpuWorld) idleCrossing(a *alertRule) error {
	d, _ := dur(x.g.Idle.Window)
	limit := x.tl.onset + d
	v := x.values(dcgm.GPUUtil, gpuIdle, true, x.tl.samples(limit)).samples()
	a.settled = limit
	// avg < below, as below > avg.
	return a.crossing(x.tl, limit, func(t time.Duration) (float64, float64) {
		return x.g.Idle.Below, x.tl.avgOverTime(v, t, d)
	})
}
