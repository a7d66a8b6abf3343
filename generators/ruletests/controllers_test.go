package ruletests

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/prometheus/model/labels"

	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/internal/controllers"
	"github.com/dataopsgen/dataopsgen/internal/dcgm"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// controllerSpec is a GPU training workload under controller c, with every
// alert it can have (Kueue's where Kueue manages c).
func controllerSpec(c *controllers.Controller) string {
	return fmt.Sprintf(`
workloads: train: {
	kind: "training", namespace: "ml", gpu: true
	training: {
		controller: %q
		lossMetric: "loss"
		kueue: enabled: %v
	}
}`, c.Name, c.Kueue)
}

// The mutations of the new alerts' typical regressions, besides those of
// TestMutationsFail.
var controllerMutations = []mutation{
	{"read the run's running state as failed", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			return regexp.MustCompile(`(type|phase|condition)(=~?)"(Failed[^"]*|true)"`).ReplaceAllString(e, `$1$2"Running"`)
		})
	}},
	{"forget the XID's age (any last XID fires)", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			return regexp.MustCompile(`\nunless on \(UUID, err_code\)\n[^\n]+ offset \w+`).ReplaceAllString(e, "")
		})
	}},
	{"compare the other way", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			if strings.Contains(e, " < ") {
				return strings.Replace(e, " < ", " > ", 1)
			}
			return strings.Replace(e, " > ", " < ", 1)
		})
	}},
	{"drop the throttling unit conversion", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string { return strings.Replace(e, " / 1e+06", "", 1) })
	}},
	{"count admitted runs as waiting", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string { return strings.Replace(e, `type=~"Admitted|Finished"`, `type="Finished"`, 1) })
	}},
	{"join on the wrong owner kind", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			return regexp.MustCompile(`owner_kind="\w+"`).ReplaceAllString(e, `owner_kind="Deployment"`)
		})
	}},
	{"drop the run's labels join", func(w *model.Workload, r *monitoringv1.Rule) bool {
		return editExpr(r, func(e string) string {
			return regexp.MustCompile(`(_info|kube_job_labels)\{namespace="ml", label_app_kubernetes_io_component="training"\}`).
				ReplaceAllString(e, `$1{namespace="ml"}`)
		})
	}},
}

// Every controller's tests pass, and every mutation of every alert of a
// workload under it (the generic ones and the controllers' and GPUs'),
// applied to that one alert, makes them fail; each alert has a firing and
// a quiet check and at least three mutations that apply.
func TestControllersMutationsFail(t *testing.T) {
	all := append(append([]mutation(nil), mutations...), controllerMutations...)
	for _, c := range controllers.All() {
		t.Run(c.Name, func(t *testing.T) {
			s := specOf(t, controllerSpec(c))
			files := generateT(t, s)
			for _, f := range runTests(files) {
				t.Fatal(f.String())
			}
			firesAndQuiet(t, s, s.Workloads[0])
			mutationsFail(t, s, all)
		})
	}
}

// Controllers and GPU alerts with other thresholds, windows and selectors,
// an inference workload on GPUs, some alerts disabled: the generated tests
// pass, in-process and under the real promtool.
func TestVariedControllerAndGPUSpecs(t *testing.T) {
	specs := map[string]string{
		"jobset, short windows, strict retries, custom selector": `
workloads: "llm-pretrain": {
	kind: "training", namespace: "research", gpu: true
	selector: {app: "pretrain", "app.kubernetes.io/component": "trainer"}
	training: {
		controller: "jobset"
		restarts: {max: 2, window: "2m", for: "30s"}
		retries: {max: 1, window: "90s", for: "30s", severity: "critical"}
		pending: after: "2m"
		kueue: {enabled: true, admissionWait: after: "45s"}
	}
	gpuAlerts: {
		xid: window: "2m"
		rowRemap: window: "1m"
		ecc: window: "3m"
		temperature: {max: 70.5, for: "1m"}
		throttling: {max: 0.9, window: "2m", for: "0s"}
		idle: {below: 50, window: "4m", for: "1m"}
	}
}`,
		"rayjob and volcano, alerts off": `
workloads: {
	ray: {
		kind: "training", namespace: "ray"
		training: {controller: "rayjob", jobFailed: enabled: false, pending: enabled: false}
	}
	vc: {
		kind: "training", namespace: "batch", gpu: true
		training: {controller: "volcanojob", retries: enabled: false}
		gpuAlerts: {xid: enabled: false, ecc: enabled: false, idle: enabled: false}
	}
}`,
		"inference on GPUs, idle alert on": `
workloads: serve: {
	kind: "inference", namespace: "serving", gpu: true
	inference: {models: ["llama"], latency: window: "1m", errorRate: window: "1m"}
	gpuAlerts: idle: {enabled: true, below: 10, window: "15m"}
}`,
	}
	variedSpecsPass(t, specs)
}

// The custom-resource-state series of every controller's tests carry
// exactly the labels the generated kube-state-metrics config gives them
// (controllers.SeriesOf), besides kube-state-metrics' target labels: the
// test world and the configured exporter agree.
func TestCustomResourceSeriesAreTheConfigs(t *testing.T) {
	for _, c := range controllers.All() {
		if c.Object.Native {
			continue
		}
		s := specOf(t, controllerSpec(c))
		cfg, _, ok := promstack.CRSConfig(s)
		if !ok {
			t.Fatalf("%s: no config", c.Name)
		}
		want := map[string][]string{}
		for _, sr := range controllers.SeriesOf(cfg) {
			want[sr.Name] = append(slices.Clone(sr.Labels), "instance", "job")
			slices.Sort(want[sr.Name])
		}
		seen := map[string]bool{}
		for _, g := range testFile(t, s, s.Workloads[0]).Tests {
			for _, in := range g.InputSeries {
				ls, _, err := seriesParser.ParseSeriesDesc(in.Series)
				if err != nil {
					t.Fatal(err)
				}
				name := ls.Get(labels.MetricName)
				if !strings.HasPrefix(name, controllers.MetricPrefix) {
					continue
				}
				seen[name] = true
				var got []string
				ls.Range(func(l labels.Label) {
					if l.Name != labels.MetricName {
						got = append(got, l.Name)
					}
				})
				if w, ok := want[name]; !ok || !slices.Equal(got, w) {
					t.Errorf("%s: %s has labels %v, the config %v", c.Name, name, got, w)
				}
			}
		}
		if len(seen) == 0 {
			t.Errorf("%s: no custom-resource series in the tests", c.Name)
		}
	}
}

// The DCGM series of the GPU tests carry only labels dcgm-exporter sets
// (internal/dcgm.Labels) or its ServiceMonitor's scrape attaches, and each
// field is one the generated collectors list enables.
func TestDCGMSeriesAreTheExporters(t *testing.T) {
	s := specOf(t, controllerSpec(controllers.Job))
	allowed := append(slices.Clone(dcgm.Labels), "job", "instance", "service", "endpoint")
	n := 0
	for _, g := range testFile(t, s, s.Workloads[0]).Tests {
		for _, in := range g.InputSeries {
			ls, _, err := seriesParser.ParseSeriesDesc(in.Series)
			if err != nil {
				t.Fatal(err)
			}
			name := ls.Get(labels.MetricName)
			if !strings.HasPrefix(name, "DCGM_") {
				continue
			}
			n++
			if !dcgm.Enabled(name) {
				t.Errorf("%s is not collected", name)
			}
			ls.Range(func(l labels.Label) {
				if l.Name != labels.MetricName && !slices.Contains(allowed, l.Name) {
					t.Errorf("%s: label %s is not dcgm-exporter's", name, l.Name)
				}
			})
		}
	}
	if n == 0 {
		t.Error("no DCGM series in the tests")
	}
}
