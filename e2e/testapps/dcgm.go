package testapps

import (
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dataopsgen/dataopsgen/internal/dcgm"
)

// DCGM stands in for NVIDIA's dcgm-exporter (no GPU here): it exports, for
// the GPUs the test declares, every field of the collectors list the stack
// generates (internal/dcgm.Counters), with dcgm-exporter's names, types
// (counters keep their names, without _total) and labels as
// NVIDIA/dcgm-exporter@4.4.1-4.6.0 renders them
// (internal/pkg/rendermetrics/render_metrics.go): gpu, UUID, pci_bus_id,
// device, modelName, Hostname; with Kubernetes mapping (the chart's
// DCGM_EXPORTER_KUBERNETES=true) pod, namespace and container of the pod
// holding the GPU; err_code and err_msg on DCGM_FI_DEV_XID_ERRORS
// (internal/pkg/collector/gpu_collector.go, xid_errors.go). Its scrape job
// needs honor_labels, as the chart's ServiceMonitor with the generated
// values has.
type DCGM struct {
	*server

	mu   sync.Mutex
	gpus map[string]*GPU // by UUID
}

// GPU is one GPU and the state its fields report.
type GPU struct {
	Index              int
	UUID, Host, Model  string
	Pod                *GPUPod // nil: no pod holds it
	Util, Temp, FBUsed float64
	// XID is the last XID (0: none); dcgm-exporter keeps it.
	XID int
	// Counters.
	ThermalViolationUs, PowerViolationUs float64
	ECCDBE, UncorrectableRemapped        float64
	RowRemapFailure                      bool
}

// GPUPod is the pod a GPU is assigned to.
type GPUPod struct{ Namespace, Name, Container string }

// StartDCGM starts the exporter with no GPU, on host (a loopback address;
// "" is 127.0.0.1).
func StartDCGM(host string) (*DCGM, error) {
	d := &DCGM{gpus: map[string]*GPU{}}
	reg := prometheus.NewRegistry()
	reg.MustRegister(d)
	s, err := startServer(host, metricsMux(reg))
	if err != nil {
		return nil, err
	}
	d.server = s
	return d, nil
}

// Close stops the server.
func (d *DCGM) Close() error { return d.close() }

// Set adds or replaces a GPU (by UUID).
func (d *DCGM) Set(g GPU) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := g
	d.gpus[g.UUID] = &c
}

// Update changes a GPU's state under the lock.
func (d *DCGM) Update(uuid string, f func(*GPU)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if g, ok := d.gpus[uuid]; ok {
		f(g)
	}
}

// Describe sends nothing: the metrics are unchecked (their labels vary).
func (d *DCGM) Describe(chan<- *prometheus.Desc) {}

// Collect writes every field of every GPU.
func (d *DCGM) Collect(ch chan<- prometheus.Metric) {
	d.mu.Lock()
	defer d.mu.Unlock()
	uuids := make([]string, 0, len(d.gpus))
	for u := range d.gpus {
		uuids = append(uuids, u)
	}
	sort.Strings(uuids)
	for _, u := range uuids {
		g := d.gpus[u]
		for _, c := range dcgm.Counters {
			v, ok := g.value(c.Field)
			if !ok {
				continue
			}
			names, values := g.labels()
			if c.Field == dcgm.XIDErrors {
				names = append(names, dcgm.LabelErrCode, dcgm.LabelErrMsg)
				values = append(values, strconv.Itoa(g.XID), xidText(g.XID))
			}
			typ := prometheus.GaugeValue
			if c.Type == "counter" {
				typ = prometheus.CounterValue
			}
			ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(c.Field, c.Help, names, nil), typ, v, values...)
		}
	}
}

// labels are the GPU's labels, in dcgm-exporter's order.
func (g *GPU) labels() (names, values []string) {
	names = []string{dcgm.LabelGPU, dcgm.LabelUUID, "pci_bus_id", "device", "modelName", dcgm.LabelHostname}
	values = []string{strconv.Itoa(g.Index), g.UUID, fmt.Sprintf("00000000:%02X:00.0", 0x10+g.Index), "nvidia" + strconv.Itoa(g.Index), g.Model, g.Host}
	if p := g.Pod; p != nil {
		names = append(names, "pod", "namespace", "container")
		values = append(values, p.Name, p.Namespace, p.Container)
	}
	return names, values
}

// value is the value of field for the GPU; every enabled field has one.
func (g *GPU) value(field string) (float64, bool) {
	switch field {
	case dcgm.GPUUtil:
		return g.Util, true
	case dcgm.GPUTemp:
		return g.Temp, true
	case dcgm.FBUsed:
		return g.FBUsed, true
	case dcgm.XIDErrors:
		return float64(g.XID), true
	case dcgm.ThermalViolation:
		return g.ThermalViolationUs, true
	case dcgm.PowerViolation:
		return g.PowerViolationUs, true
	case dcgm.ECCDBEVolatile:
		return g.ECCDBE, true
	case dcgm.UncorrectableRemapped:
		return g.UncorrectableRemapped, true
	case dcgm.RowRemapFailure:
		if g.RowRemapFailure {
			return 1, true
		}
		return 0, true
	}
	return 0, true // the other fields: an idle, healthy GPU
}

// xidText is dcgm-exporter's err_msg of a few XIDs
// (internal/pkg/collector/xid_errors.go).
func xidText(code int) string {
	switch code {
	case 0:
		return "No Error"
	case 48:
		return "Double Bit ECC Error"
	case 79:
		return "GPU has fallen off the bus"
	}
	return "Unknown Error"
}
