package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// release is the kube-prometheus-stack release as Flux's helm-controller
// would install it from the overlay's HelmRelease.
type release struct {
	name, namespace, chartVersion string
	rendered                      *harness.Rendered
	// prometheus and alertmanager are the Prometheus and Alertmanager objects
	// the chart renders.
	prometheus, alertmanager *harness.Object
}

// The chart templates of the objects the harness runs (helm's "# Source:").
const (
	operatorDeploymentSource = "kube-prometheus-stack/templates/prometheus-operator/deployment.yaml"
	ksmDeploymentSource      = "kube-prometheus-stack/charts/kube-state-metrics/templates/deployment.yaml"
	ksmServiceSource         = "kube-prometheus-stack/charts/kube-state-metrics/templates/service.yaml"
	ksmServiceMonitorSource  = "kube-prometheus-stack/charts/kube-state-metrics/templates/servicemonitor.yaml"
)

// kubePrometheusStackRelease is the overlay's HelmRelease of the
// kube-prometheus-stack chart.
func kubePrometheusStackRelease(t *testing.T, objs []*unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	var found []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() != "HelmRelease" {
			continue
		}
		if c, _, _ := unstructured.NestedString(o.Object, "spec", "chart", "spec", "chart"); c == "kube-prometheus-stack" {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		t.Fatalf("the overlay has %d HelmReleases of kube-prometheus-stack, want 1", len(found))
	}
	return found[0]
}

// renderRelease renders the chart version the HelmRelease pins, as its
// release name and namespace, with its values: each valuesFrom ConfigMap of
// the overlay in order, then spec.values (helm-controller's order).
func renderRelease(t *testing.T, root, dir string, helm *harness.Helm, objs []*unstructured.Unstructured) *release {
	t.Helper()
	hr := kubePrometheusStackRelease(t, objs)
	r := &release{name: hr.GetName(), namespace: hr.GetNamespace()}
	if n, _, _ := unstructured.NestedString(hr.Object, "spec", "releaseName"); n != "" {
		r.name = n
	}
	if n, _, _ := unstructured.NestedString(hr.Object, "spec", "targetNamespace"); n != "" {
		r.namespace = n
	}
	r.chartVersion, _, _ = unstructured.NestedString(hr.Object, "spec", "chart", "spec", "version")
	valuesFrom, _, _ := unstructured.NestedSlice(hr.Object, "spec", "valuesFrom")
	var files []string
	for i, v := range valuesFrom {
		ref, _ := v.(map[string]any)
		kind, _ := ref["kind"].(string)
		name, _ := ref["name"].(string)
		key, _ := ref["valuesKey"].(string)
		if key == "" {
			key = "values.yaml"
		}
		if kind != "ConfigMap" {
			t.Fatalf("HelmRelease %s valuesFrom[%d]: %s %s: the harness reads ConfigMaps", hr.GetName(), i, kind, name)
		}
		cm := findObject(objs, "ConfigMap", hr.GetNamespace(), name)
		if cm == nil {
			t.Fatalf("HelmRelease %s valuesFrom[%d]: ConfigMap %s/%s is not in the overlay (Flux would fail the release)", hr.GetName(), i, hr.GetNamespace(), name)
		}
		values, ok, _ := unstructured.NestedString(cm.Object, "data", key)
		if !ok {
			t.Fatalf("HelmRelease %s valuesFrom[%d]: ConfigMap %s has no key %s", hr.GetName(), i, name, key)
		}
		files = append(files, writeFile(t, filepath.Join(dir, "release", fmt.Sprintf("values-%d-%s.yaml", i, name)), values))
	}
	if inline, ok, _ := unstructured.NestedMap(hr.Object, "spec", "values"); ok && len(inline) > 0 {
		b, err := harness.MarshalObjects([]*unstructured.Unstructured{{Object: inline}})
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, writeFile(t, filepath.Join(dir, "release", "values-inline.yaml"), strings.TrimPrefix(string(b), "---\n")))
	}
	charts, err := harness.LoadCharts(filepath.Join(root, harness.ChartsDir))
	if err != nil {
		t.Fatal(err)
	}
	chart, err := charts.Get("kube-prometheus-stack", r.chartVersion)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if r.rendered, err = helm.RenderChart(ctx, chart.Path, r.name, r.namespace, files...); err != nil {
		t.Fatal(err)
	}
	if r.prometheus, err = r.rendered.One("Prometheus"); err != nil {
		t.Fatal(err)
	}
	if r.alertmanager, err = r.rendered.One("Alertmanager"); err != nil {
		t.Fatal(err)
	}
	t.Logf("kube-prometheus-stack %s rendered as release %s/%s: %d objects", r.chartVersion, r.namespace, r.name, len(r.rendered.Objects))
	return r
}

// bySource returns the rendered object of kind from a chart template.
func (r *release) bySource(t *testing.T, kind, source string) *harness.Object {
	t.Helper()
	for _, o := range r.rendered.Objects {
		if o.GetKind() == kind && o.Source == source {
			return o
		}
	}
	t.Fatalf("the chart rendered no %s from %s", kind, source)
	return nil
}

// notApplied are the kinds of rendered objects left out of the cluster, and
// why.
var notApplied = map[string]string{
	"ValidatingWebhookConfiguration": "the operator's admission webhook is a program of its own that the test does not run: the API server would fail every PrometheusRule write",
	"MutatingWebhookConfiguration":   "as ValidatingWebhookConfiguration",
}

// applyChart applies what the chart rendered, as helm would install it
// (objects without a namespace go to the release's), server-side.
func (s *stack) applyChart(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	clusterScoped, err := s.cluster.clusterScopedKinds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var keep []*unstructured.Unstructured
	for _, o := range s.release.rendered.Objects {
		if why, skip := notApplied[o.GetKind()]; skip {
			t.Logf("not applied: %s: %s", o, why)
			continue
		}
		u := o.DeepCopy()
		if u.GetNamespace() == "" && !clusterScoped[u.GetKind()] {
			u.SetNamespace(s.release.namespace)
		}
		keep = append(keep, u)
	}
	b, err := harness.MarshalObjects(keep)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.cluster.kubectl.Run(ctx, b, "apply", "--server-side", "--field-manager=helm", "-f", "-"); err != nil {
		t.Fatalf("applying what kube-prometheus-stack rendered: %v", err)
	}
	t.Logf("applied %d objects the chart rendered", len(keep))
}

// clusterScopedKinds are the kinds the API server serves without a
// namespace (kubectl api-resources --namespaced=false).
func (c *cluster) clusterScopedKinds(ctx context.Context) (map[string]bool, error) {
	b, err := c.kubectl.Run(ctx, nil, "api-resources", "--namespaced=false", "--no-headers")
	if err != nil {
		return nil, err
	}
	kinds := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			kinds[f[len(f)-1]] = true
		}
	}
	if !kinds["Namespace"] || !kinds["ClusterRole"] {
		return nil, fmt.Errorf("kubectl api-resources --namespaced=false lists no Namespace or ClusterRole:\n%s", b)
	}
	return kinds, nil
}

func findObject(objs []*unstructured.Unstructured, kind, namespace, name string) *unstructured.Unstructured {
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name && (o.GetNamespace() == namespace || o.GetNamespace() == "") {
			return o
		}
	}
	return nil
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
