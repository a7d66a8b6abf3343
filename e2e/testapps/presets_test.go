package testapps

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/dataopsgen/dataopsgen/generators/signals"
	"github.com/dataopsgen/dataopsgen/presets"
	"github.com/dataopsgen/dataopsgen/presets/servers"
)

func families(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(scrape(t, url)))
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// read are the families a preset's signals read.
func read(p *presets.Server) []string {
	var out []string
	add := func(names ...string) {
		for _, n := range names {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	counter := func(c presets.Counter) {
		for _, s := range c {
			add(s.Family)
		}
	}
	counter(p.Throughput)
	if p.Errors != nil {
		counter(p.Errors.Failed)
		counter(p.Errors.Total)
	}
	if l := p.Latency; l != nil {
		if l.Histogram != nil {
			add(l.Histogram.Family)
		} else {
			add(l.Sum.Family, l.Count.Family)
		}
	}
	for _, h := range []*presets.Histogram{p.TTFT, p.TPOT} {
		if h != nil {
			add(h.Family)
		}
	}
	for _, g := range []*presets.Gauge{p.Queue, p.KVCache} {
		if g != nil {
			add(g.Family)
		}
	}
	counter(p.Preemptions)
	counter(p.PromptTokens)
	counter(p.GenerationTokens)
	return out
}

// matchPreset compares a stand-in's exposition with the server's preset,
// two descriptions of the server written independently from its source:
// every family the preset's signals read is exported with the preset's
// type and exactly its labels (the model label included), a histogram
// with every bound the preset lists; and every family of the preset that
// the stand-in exports agrees the same way.
func matchPreset(t *testing.T, p *presets.Server, fams map[string]*dto.MetricFamily) {
	t.Helper()
	types := map[presets.Type]dto.MetricType{
		presets.TypeCounter: dto.MetricType_COUNTER, presets.TypeGauge: dto.MetricType_GAUGE,
		presets.TypeHistogram: dto.MetricType_HISTOGRAM, presets.TypeSummary: dto.MetricType_SUMMARY,
	}
	for _, f := range p.Families {
		mf, ok := fams[f.Name]
		if !ok {
			if slices.Contains(read(p), f.Name) {
				t.Errorf("%s: the preset's signals read %s, which the server does not export", p.Name, f.Name)
			}
			continue
		}
		if mf.GetType() != types[f.Type] {
			t.Errorf("%s: %s is a %s, the preset says %s", p.Name, f.Name, mf.GetType(), f.Type)
		}
		want := f.LabelNames(p.ModelLabel)
		slices.Sort(want)
		for _, m := range mf.GetMetric() {
			var got []string
			for _, l := range m.GetLabel() {
				got = append(got, l.GetName())
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s has labels %v, the preset says %v", p.Name, f.Name, got, want)
				break
			}
			if h := m.GetHistogram(); h != nil {
				var bounds []float64
				for _, b := range h.GetBucket() {
					bounds = append(bounds, b.GetUpperBound())
				}
				for _, b := range f.Buckets {
					if !slices.Contains(bounds, b) {
						t.Errorf("%s: %s has no bucket le=%g", p.Name, f.Name, b)
					}
				}
			}
		}
	}
}

func TestVLLMMatchesPreset(t *testing.T) {
	a, err := StartVLLM(VLLMOptions{Model: "meta-llama/Llama-3.1-8B-Instruct", Engines: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.SetErrorRatio(0.5)
	time.Sleep(250 * time.Millisecond) // a few requests, failed ones included
	fams := families(t, a.URL())
	p := servers.VLLM
	// gpu_uuid-free preset labels aside, the families agree.
	matchPreset(t, &p, fams)
	// Every engine and finish reason exists from start-up.
	if n := len(fams["vllm:request_success_total"].GetMetric()); n != 2*len(vllmFinishReasons) {
		t.Errorf("request_success children: %d", n)
	}
	for _, status := range []string{"2xx", "5xx"} {
		if !slices.ContainsFunc(fams["http_requests_total"].GetMetric(), func(m *dto.Metric) bool { return labelOf(m, "status") == status }) {
			t.Errorf("no http_requests_total{status=%q}", status)
		}
	}
}

func TestTritonMatchesPreset(t *testing.T) {
	a, err := StartTriton(TritonOptions{Models: []string{"resnet50"}, Latency: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	before := families(t, a.URL())
	time.Sleep(350 * time.Millisecond)
	after := families(t, a.URL())
	// The stand-in runs on CPU: no gpu_uuid. The preset's example labels
	// carry one (a GPU instance); compare without it.
	p := servers.Triton
	p.Families = slices.Clone(p.Families)
	for i := range p.Families {
		p.Families[i].Labels = slices.DeleteFunc(slices.Clone(p.Families[i].Labels), func(l presets.Label) bool { return l.Name == "gpu_uuid" })
	}
	matchPreset(t, &p, after)
	// Every failure reason exists at load, at 0.
	if n := len(before["nv_inference_request_failure"].GetMetric()); n != 4 {
		t.Errorf("failure children at start: %d", n)
	}
	// The average latency the preset's query computes, from the counters'
	// increase: exactly the set latency, in seconds.
	sum := value(after, "nv_inference_request_duration_us") - value(before, "nv_inference_request_duration_us")
	count := value(after, "nv_inference_request_success") - value(before, "nv_inference_request_success")
	unit := p.Family(p.Latency.Sum.Family).Unit.PerSecond()
	if count == 0 || math.Abs(sum/count/unit-0.2) > 1e-9 {
		t.Errorf("average latency %v/%v/%v, want 0.2 s", sum, count, unit)
	}
	q := signals.Query{Server: &p, Base: []string{"namespace", "ml"}, By: []string{"namespace"}, Range: "5m"}
	if got := q.Average(p.Latency); !strings.HasSuffix(got, " / 1000000") {
		t.Errorf("average query does not convert µs: %s", got)
	}
}

func labelOf(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// value sums a counter family's children.
func value(fams map[string]*dto.MetricFamily, name string) float64 {
	var v float64
	for _, m := range fams[name].GetMetric() {
		v += m.GetCounter().GetValue()
	}
	return v
}
