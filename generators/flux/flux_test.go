package flux

import (
	"bytes"
	"strings"
	"testing"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

func spec(t *testing.T, src string) *model.Spec {
	t.Helper()
	return modeltest.Inline(t, src)
}

func docs(data []byte) [][]byte { return bytes.Split(data, []byte("---\n")) }

// TestObjectsDecodeWithFluxTypes: every generated object decodes strictly
// with Flux's published API types, and the releases are wired as intended.
func TestObjectsDecodeWithFluxTypes(t *testing.T) {
	cases := []struct {
		name, src    string
		wantReleases []string // name/chart
	}{
		{"alloy, no gpu", `workloads: a: {kind: "inference", namespace: "ml", inference: models: ["m"]}`,
			[]string{"prometheus/kube-prometheus-stack", "loki/loki", "alloy/alloy"}},
		{"promtail and gpu", `stack: logCollector: kind: "promtail"
workloads: t: {kind: "training", namespace: "ml", gpu: true}`,
			[]string{"prometheus/kube-prometheus-stack", "loki/loki", "promtail/promtail", "dcgm-exporter/dcgm-exporter"}},
		{"renamed release, oci repo", `stack: prometheus: {release: "kps", chart: repository: "oci://ghcr.io/prometheus-community/charts"}`,
			[]string{"kps/kube-prometheus-stack", "loki/loki", "alloy/alloy"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := spec(t, c.src)
			files, err := New().Generate(s)
			if err != nil || len(files) != 2 {
				t.Fatalf("files %v, err %v", len(files), err)
			}
			repos := map[string]sourcev1.HelmRepository{}
			for _, d := range docs(files[0].Data) {
				var r sourcev1.HelmRepository
				if err := yaml.UnmarshalStrict(d, &r); err != nil {
					t.Fatalf("HelmRepository does not decode: %v\n%s", err, d)
				}
				if r.Kind != "HelmRepository" || r.APIVersion != "source.toolkit.fluxcd.io/v1" || r.Spec.URL == "" {
					t.Errorf("repository %+v", r)
				}
				if strings.HasPrefix(r.Spec.URL, "oci://") != (r.Spec.Type == "oci") {
					t.Errorf("repository %s: type %q", r.Spec.URL, r.Spec.Type)
				}
				repos[r.Name] = r
			}
			var got []string
			for _, d := range docs(files[1].Data) {
				var hr helmv2.HelmRelease
				if err := yaml.UnmarshalStrict(d, &hr); err != nil {
					t.Fatalf("HelmRelease does not decode: %v\n%s", err, d)
				}
				if hr.APIVersion != "helm.toolkit.fluxcd.io/v2" || hr.Namespace != "monitoring" {
					t.Errorf("release %s: %s in %s", hr.Name, hr.APIVersion, hr.Namespace)
				}
				ch := hr.Spec.Chart.Spec
				got = append(got, hr.Name+"/"+ch.Chart)
				if _, ok := repos[ch.SourceRef.Name]; !ok || ch.Version == "" {
					t.Errorf("release %s: source %q version %q", hr.Name, ch.SourceRef.Name, ch.Version)
				}
				if hr.Spec.Install.CRDs != helmv2.CreateReplace || hr.Spec.Upgrade.CRDs != helmv2.CreateReplace {
					t.Errorf("release %s: CRDs not CreateReplace", hr.Name)
				}
				if len(hr.Spec.ValuesFrom) != 1 || hr.Spec.ValuesFrom[0].Kind != "ConfigMap" || hr.Spec.ValuesFrom[0].ValuesKey != "values.yaml" {
					t.Errorf("release %s: valuesFrom %+v", hr.Name, hr.Spec.ValuesFrom)
				}
				first := strings.HasSuffix(got[len(got)-1], "/kube-prometheus-stack")
				if first != (len(hr.Spec.DependsOn) == 0) {
					t.Errorf("release %s: dependsOn %+v", hr.Name, hr.Spec.DependsOn)
				}
			}
			if strings.Join(got, " ") != strings.Join(c.wantReleases, " ") {
				t.Errorf("releases %v, want %v", got, c.wantReleases)
			}
			if bytes.Contains(files[1].Data, []byte("status:")) {
				t.Error("an empty status is written")
			}
		})
	}
}

func TestNoFlux(t *testing.T) {
	s := spec(t, `stack: flux: false`)
	if files, err := New().Generate(s); err != nil || len(files) != 0 {
		t.Fatalf("stack.flux false: %d files, %v", len(files), err)
	}
}
