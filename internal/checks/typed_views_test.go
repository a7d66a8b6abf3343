package checks_test

import (
	"slices"
	"testing"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/api/types"

	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// overlayEdit changes the typed value of the file ending in suffix.
type overlayEdit struct {
	suffix string
	edit   func(v any)
}

// famGeneratorBug returns a copy of in where the typed values of files are
// changed (each a copy made by RetypeOverlay, not the shared value) and
// their bytes are left as they were.
func famGeneratorBug(t *testing.T, in *checks.Input, edits ...overlayEdit) *checks.Input {
	t.Helper()
	out := &checks.Input{Spec: in.Spec, Files: slices.Clone(in.Files)}
	for _, e := range edits {
		f := famFile(t, out, e.suffix)
		if err := checks.RetypeOverlay(f); err != nil {
			t.Fatal(err)
		}
		e.edit(f.Value)
	}
	return out
}

var admitTeamML = overlayEdit{famValues, func(v any) {
	v.(*promstack.Values).Prometheus.PrometheusSpec.RuleNamespaceSelector = &promstack.LabelSelector{MatchLabels: map[string]string{"team": "ml"}}
}}

// The checks of the values, kustomizations, objects and scrape jobs read
// the generators' typed values, not the bytes: each case changes typed
// values only, and a check other than the encoder checks sees it.
func TestChecksReadTypedOverlay(t *testing.T) {
	base := famInput(t, famBase)
	for _, c := range []struct {
		name, check string
		edits       []overlayEdit
		want        []string
	}{
		{
			name: "values", check: "wiring/scrape-secret",
			edits: []overlayEdit{{famValues, func(v any) {
				v.(*promstack.Values).Prometheus.PrometheusSpec.AdditionalScrapeConfigsSecret.Name = "scrape-configs"
			}}},
			want: []string{"names Secret scrape-configs, which no kustomization secretGenerator makes"},
		},
		{
			name: "values left unset", check: "wiring/dashboard-sidecar",
			edits: []overlayEdit{{famValues, func(v any) { v.(*promstack.Values).Grafana.Sidecar.Dashboards.FolderAnnotation = nil }}},
			want:  []string{"the values set no sidecar folderAnnotation"},
		},
		{
			name: "kustomization", check: "wiring/scrape-secret",
			edits: []overlayEdit{{famStackKust, func(v any) { v.(*types.Kustomization).Namespace = "default" }}},
			want:  []string{`is generated in namespace "default", but Prometheus runs in "monitoring"`},
		},
		{
			name: "values without the objects", check: "wiring/rule-selector",
			edits: []overlayEdit{admitTeamML},
			want:  []string{"which the generated ruleNamespaceSelector team=ml does not admit"},
		},
		{
			// The Namespace's bytes have no label: the check reads its typed object.
			name: "objects", check: "wiring/rule-selector",
			edits: []overlayEdit{admitTeamML, {"stack/namespace.yaml", func(v any) {
				v.([]runtime.Object)[0].(metav1.Object).SetLabels(map[string]string{"team": "ml"})
			}}},
		},
		{
			name: "HelmReleases", check: "wiring/values-from",
			edits: []overlayEdit{{famReleases, func(v any) {
				v.([]runtime.Object)[0].(*helmv2.HelmRelease).Spec.ValuesFrom[0].ValuesKey = "kps.yaml"
			}}},
			want: []string{"HelmRelease prometheus valuesFrom[0]: ConfigMap values-kube-prometheus-stack has no key kps.yaml (has: [values.yaml])"},
		},
		{
			// The metric catalogue takes kube-state-metrics' labels from the values.
			name: "kube-state-metrics values", check: "provenance/label",
			edits: []overlayEdit{{famValues, func(v any) { v.(*promstack.Values).KubeStateMetrics.MetricLabelsAllowlist = nil }}},
			want:  []string{"provenance/label: ", "label_app_kubernetes_io_component"},
		},
		{
			name: "scrape jobs", check: "spec/escaping",
			edits: []overlayEdit{{famScrape, func(v any) {
				v.(*scrape.Jobs).Configs[0].RelabelConfigs[0].Regex = "true;.*"
			}}},
			want: []string{"spec/escaping: "},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := famRun(t, c.check, famGeneratorBug(t, base, c.edits...))
			if len(c.want) == 0 {
				famWant(t, got)
				return
			}
			if len(got) == 0 {
				t.Fatalf("%s sees nothing of the typed change", c.check)
			}
			famWant(t, got[:len(c.want)], c.want...)
		})
	}
}
