package testapps

import (
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/dataopsgen/dataopsgen/internal/dcgm"
)

// The stand-in exports every collected field with dcgm-exporter's type and
// labels, the pod's labels only on a GPU a pod holds, and err_code/err_msg
// on the XID field.
func TestDCGMExposition(t *testing.T) {
	d, err := StartDCGM("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.Set(GPU{Index: 0, UUID: "GPU-a", Host: "node-1", Model: "NVIDIA H100 80GB HBM3", Util: 90, Temp: 60,
		Pod: &GPUPod{Namespace: "ml", Name: "trainer-0", Container: "trainer"}})
	d.Set(GPU{Index: 1, UUID: "GPU-b", Host: "node-1", Model: "NVIDIA H100 80GB HBM3"})
	d.Update("GPU-a", func(g *GPU) { g.XID = 79; g.ThermalViolationUs += 5e5 })

	p := expfmt.NewTextParser(model.LegacyValidation)
	families, err := p.TextToMetricFamilies(strings.NewReader(scrape(t, d.URL())))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range dcgm.Counters {
		f, ok := families[c.Field]
		if !ok {
			t.Errorf("%s not exported", c.Field)
			continue
		}
		if got := strings.ToLower(f.GetType().String()); got != c.Type {
			t.Errorf("%s: type %s, want %s", c.Field, got, c.Type)
		}
		if len(f.Metric) != 2 {
			t.Errorf("%s: %d series, want one per GPU", c.Field, len(f.Metric))
		}
		for _, m := range f.Metric {
			l := model.LabelSet{}
			for _, lp := range m.Label {
				l[model.LabelName(lp.GetName())] = model.LabelValue(lp.GetValue())
			}
			want := []string{"gpu", "UUID", "pci_bus_id", "device", "modelName", "Hostname"}
			if l["UUID"] == "GPU-a" {
				want = append(want, "pod", "namespace", "container")
			}
			if c.Field == dcgm.XIDErrors {
				want = append(want, "err_code", "err_msg")
			}
			if len(l) != len(want) {
				t.Errorf("%s: labels %v, want %v", c.Field, l, want)
			}
			for _, n := range want {
				if _, ok := l[model.LabelName(n)]; !ok {
					t.Errorf("%s: labels %v lack %s", c.Field, l, n)
				}
			}
			if c.Field == dcgm.XIDErrors && l["UUID"] == "GPU-a" && (l["err_code"] != "79" || l["err_msg"] != "GPU has fallen off the bus") {
				t.Errorf("XID labels %v", l)
			}
		}
	}
}
