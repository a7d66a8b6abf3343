package catalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

var promql = parser.NewParser(parser.Options{})

// testSpec: an inference workload with an app label and an exported
// metric, a GPU training workload with an extra selector key, and
// recording rules (one reading another).
const testSpec = `
apiVersion: "dataopsgen.dev/v1alpha1"
workloads: {
	resnet: {
		kind:      "inference"
		namespace: "ml"
		metrics: appLabels: ["region"]
		metrics: exported: ["queue_depth"]
		inference: models: ["resnet50"]
	}
	trainer: {
		kind:      "training"
		namespace: "train"
		gpu:       true
		selector: app: "trainer"
		training: lossMetric: "training_loss"
	}
}
extraRules: rec: rules: [{
	record: "ml:requests:rate5m"
	expr:   "sum by (namespace, model_name) (rate(inference_requests_total[5m]))"
	labels: tier: "gold"
}, {
	record: "ml:requests:total"
	expr:   "sum without (model_name) (ml:requests:rate5m)"
}]
`

func newTestCatalog(t *testing.T, src string) *Catalog {
	t.Helper()
	res, diags := load.Files([]load.File{{Name: "spec.cue", Data: []byte(src)}})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	s, diags := model.Decode(res)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	// The kube-state-metrics values the promstack generator makes of s.
	return New(s, promql, promstack.Build(s).KubeStateMetrics)
}

func TestLookup(t *testing.T) {
	c := newTestCatalog(t, testSpec)
	for _, tc := range []struct {
		metric      string
		known, open bool
		has, hasNot []string
	}{
		{metric: "up", known: true, has: []string{"job", "instance", "namespace", "pod", "container", "workload", "app", "app_kubernetes_io_component", "service"}, hasNot: []string{"model_name", "region"}},
		{metric: "inference_requests_total", known: true, has: []string{"model_name", "status", "region", "workload", "app_kubernetes_io_component"}, hasNot: []string{"app", "le"}},
		{metric: "inference_request_duration_seconds_bucket", known: true, has: []string{"le", "model_name"}, hasNot: []string{"status"}},
		{metric: "inference_request_duration_seconds_count", known: true, has: []string{"model_name"}, hasNot: []string{"le"}},
		{metric: "queue_depth", known: true, has: []string{"region", "pod"}},
		{metric: "training_loss", known: true, has: []string{"app", "pod"}, hasNot: []string{"region"}},
		{metric: "kube_pod_labels", known: true, has: []string{"label_app", "label_app_kubernetes_io_component", "uid", "job"}, hasNot: []string{"label_team"}},
		{metric: "kube_job_failed", known: true, has: []string{"job_name", "condition", "reason", "namespace"}, hasNot: []string{"label_app"}},
		{metric: "kube_job_labels", known: true, has: []string{"label_app"}},
		{metric: "kube_deployment_labels", known: true, hasNot: []string{"label_app"}},
		{metric: "container_cpu_usage_seconds_total", known: true, has: []string{"namespace", "pod", "container", "image", "cpu", "node"}, hasNot: []string{"workload"}},
		{metric: "DCGM_FI_DEV_GPU_UTIL", known: true, has: []string{"gpu", "UUID", "modelName", "Hostname", "pod"}, hasNot: []string{"workload"}},
		{metric: "node_cpu_seconds_total", known: true, open: true},
		{metric: "ALERTS", known: true, open: true},
		{metric: "ml:requests:rate5m", known: true, has: []string{"namespace", "model_name", "tier"}, hasNot: []string{"pod", "status"}},
		{metric: "ml:requests:total", known: true, has: []string{"namespace", "tier"}, hasNot: []string{"model_name"}},
		{metric: "http_request_duration_seconds_bucket"},
		{metric: "inference_requests_created"},
	} {
		t.Run(tc.metric, func(t *testing.T) {
			names, known, open := c.Lookup(tc.metric)
			if known != tc.known || open != tc.open {
				t.Fatalf("known, open = %v, %v; want %v, %v", known, open, tc.known, tc.open)
			}
			for _, n := range tc.has {
				if !slices.Contains(names, n) {
					t.Errorf("no label %s in %v", n, names)
				}
			}
			for _, n := range tc.hasNot {
				if slices.Contains(names, n) {
					t.Errorf("label %s in %v", n, names)
				}
			}
		})
	}
}

func TestDCGMOnlyWithGPU(t *testing.T) {
	c := newTestCatalog(t, `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "inference", namespace: "ml", inference: models: ["m"]}`)
	if _, known, _ := c.Lookup("DCGM_FI_DEV_GPU_UTIL"); known {
		t.Error("DCGM metric known without a GPU workload")
	}
}

func TestSelect(t *testing.T) {
	c := newTestCatalog(t, testSpec)
	for _, tc := range []struct {
		selector string
		missing  []string
		matching int
	}{
		{selector: `up{namespace="ml", workload="resnet"}`, matching: 1},
		{selector: `up{namespace="ml"}`, matching: 2}, // resnet, and the stack's targets
		{selector: `up{workload="typo"}`, matching: 0},
		{selector: `up{namespace="ml", workload="trainer"}`, matching: 0},
		{selector: `up{app_kubernetes_io_component="inference"}`, matching: 1},
		{selector: `up{app_kubernetes_io_component="serving"}`, matching: 0},
		{selector: `up{team="ml"}`, missing: []string{"team"}},
		{selector: `up{team!="ml"}`, matching: 3},
		{selector: `kube_pod_labels{label_team="ml"}`, missing: []string{"label_team"}},
		{selector: `kube_pod_labels{label_app="trainer"}`, matching: 1},
		{selector: `inference_requests_total{model_name="x", region=~".+"}`, matching: 1},
	} {
		t.Run(tc.selector, func(t *testing.T) {
			e, err := promql.ParseExpr(tc.selector)
			if err != nil {
				t.Fatal(err)
			}
			vs := e.(*parser.VectorSelector)
			m := c.Metric(vs.Name)
			sel := c.Select(m, vs.LabelMatchers)
			if !slices.Equal(sel.Missing, tc.missing) {
				t.Errorf("missing %v, want %v", sel.Missing, tc.missing)
			}
			if tc.missing == nil && len(sel.Matching) != tc.matching {
				var got []string
				for _, s := range sel.Matching {
					got = append(got, s.String())
				}
				t.Errorf("matching %v, want %d", got, tc.matching)
			}
		})
	}
}

// TestSelectIndexed: with many workloads, the index narrows the sources
// and gives the same answer as a scan.
func TestSelectIndexed(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: \"dataopsgen.dev/v1alpha1\"\nworkloads: {\n")
	for i := range 40 {
		b.WriteString("\tw" + itoa(i) + ": {kind: \"inference\", namespace: \"ns" + itoa(i%3) + "\", inference: models: [\"m\"]}\n")
	}
	b.WriteString("}\n")
	c := newTestCatalog(t, b.String())
	m := c.Metric("up")
	if m.index == nil {
		t.Fatal("up not indexed")
	}
	for _, q := range []string{`up{workload="w7"}`, `up{workload="w7", namespace="ns1"}`, `up{workload="w7", namespace="ns2"}`, `up{namespace="ns2"}`} {
		vs, _ := promql.ParseExpr(q)
		sel := c.Select(m, vs.(*parser.VectorSelector).LabelMatchers)
		want := 0
		for _, s := range m.Sources {
			if Compatible(s, vs.(*parser.VectorSelector).LabelMatchers) {
				want++
			}
		}
		if len(sel.Matching) != want {
			t.Errorf("%s: %d matching, want %d", q, len(sel.Matching), want)
		}
	}
}

func TestSuggest(t *testing.T) {
	c := newTestCatalog(t, testSpec)
	for _, tc := range []struct{ name, want string }{
		{"http_request_duration_seconds_bucket", "inference_request_duration_seconds_bucket"},
		{"inference_request_total", "inference_requests_total"},
		{"kube_pod_container_restarts_total", "kube_pod_container_status_restarts_total"},
		{"trainng_loss", "training_loss"},
		{"completely_unrelated_name_xyz", ""},
	} {
		got := ""
		if m := c.Suggest(tc.name); m != nil {
			got = m.Name
		}
		if got != tc.want {
			t.Errorf("Suggest(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
