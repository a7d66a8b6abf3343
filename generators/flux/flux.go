// Package flux generates the Flux objects that install the stack: one
// HelmRepository per chart repository and one HelmRelease per chart, with
// its values taken from the generated ConfigMaps (valuesFrom). With them the
// overlay alone is the whole deployment.
package flux

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/generators/loki"
	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Paths of the generated files.
const (
	SourcesPath  = artifact.StackDir + "/flux/helmrepositories.yaml"
	ReleasesPath = artifact.StackDir + "/flux/helmreleases.yaml"
)

// Chart is one chart to install.
type Chart struct {
	// Release is the Helm release name (and the HelmRelease's name).
	Release string
	// Name is the chart's name in its repository.
	Name  string
	Chart model.Chart
	// ValuesConfigMap holds the values (key stack.ValuesKey).
	ValuesConfigMap string
	// Source is the spec path the chart is configured at.
	Source string
	// First: the other releases depend on it (it brings the CRDs).
	First bool
}

// Charts lists the charts the spec installs, kube-prometheus-stack first.
func Charts(s *model.Spec) []Chart {
	st := s.Stack
	out := []Chart{
		{Release: st.Prometheus.Release, Name: "kube-prometheus-stack", Chart: st.Prometheus.Chart, ValuesConfigMap: promstack.ValuesName, Source: "stack.prometheus", First: true},
		{Release: st.Loki.Release, Name: "loki", Chart: st.Loki.Chart, ValuesConfigMap: loki.ConfigMapName, Source: "stack.loki"},
	}
	lc := Chart{Release: st.LogCollector.Release, Chart: st.LogCollector.Chart, Source: "stack.logCollector"}
	if st.LogCollector.Kind == model.CollectorPromtail {
		lc.Name, lc.ValuesConfigMap = "promtail", logs.PromtailValuesConfigMap
	} else {
		lc.Name, lc.ValuesConfigMap = "alloy", logs.AlloyValuesConfigMap
	}
	out = append(out, lc)
	if s.HasGPU() {
		out = append(out, Chart{Release: st.DCGMExporter.Release, Name: "dcgm-exporter", Chart: st.DCGMExporter.Chart, ValuesConfigMap: promstack.DCGMValuesName, Source: "stack.dcgmExporter"})
	}
	return out
}

// New returns the generator; it emits nothing when stack.flux is false.
func New() generators.Generator {
	return generators.Func{N: "flux", F: generate}
}

func generate(s *model.Spec) ([]artifact.File, error) {
	if !s.Stack.Flux {
		return nil, nil
	}
	charts := Charts(s)
	repos, names := Repositories(s, charts)
	releases := Releases(s, charts, names)
	src, err := artifact.YAMLDocs(withoutStatus(repos, func(r *sourcev1.HelmRepository) object {
		return object{r.TypeMeta, r.ObjectMeta, r.Spec}
	}))
	if err != nil {
		return nil, err
	}
	rel, err := artifact.YAMLDocs(withoutStatus(releases, func(r *helmv2.HelmRelease) object {
		return object{r.TypeMeta, r.ObjectMeta, r.Spec}
	}))
	if err != nil {
		return nil, err
	}
	// The typed objects go with the files (artifact.File.Value, one
	// runtime.Object per document, in document order; their empty status
	// is what the bytes leave out) for the checks to read.
	return []artifact.File{
		{Path: SourcesPath, Data: src, Role: artifact.Resource, Source: "stack", Value: runtimeObjects(repos)},
		{Path: ReleasesPath, Data: rel, Role: artifact.Resource, Source: "stack", Value: runtimeObjects(releases)},
	}, nil
}

func runtimeObjects[T runtime.Object](objs []T) []runtime.Object {
	out := make([]runtime.Object, len(objs))
	for i, o := range objs {
		out[i] = o
	}
	return out
}

// object is a Kubernetes object as written to the overlay: the API types'
// empty status (`status: {}`) left out.
type object struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            any               `json:"spec"`
}

func withoutStatus[T any](objs []T, f func(T) object) []object {
	out := make([]object, len(objs))
	for i, o := range objs {
		out[i] = f(o)
	}
	return out
}

// Repositories returns one HelmRepository per distinct repository URL and
// the name given to each URL.
func Repositories(s *model.Spec, charts []Chart) ([]*sourcev1.HelmRepository, map[string]string) {
	names := map[string]string{}
	taken := map[string]bool{}
	var out []*sourcev1.HelmRepository
	for _, c := range charts {
		u := c.Chart.Repository
		if _, ok := names[u]; ok {
			continue
		}
		name := repoName(u)
		for i := 2; taken[name]; i++ {
			name = repoName(u) + "-" + itoa(i)
		}
		taken[name] = true
		names[u] = name
		spec := sourcev1.HelmRepositorySpec{URL: u, Interval: metav1.Duration{Duration: time.Hour}}
		if strings.HasPrefix(u, "oci://") {
			spec.Type = sourcev1.HelmRepositoryTypeOCI
		}
		out = append(out, &sourcev1.HelmRepository{
			TypeMeta:   metav1.TypeMeta{APIVersion: sourcev1.GroupVersion.String(), Kind: sourcev1.HelmRepositoryKind},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: s.Stack.Namespace},
			Spec:       spec,
		})
	}
	return out, names
}

// Releases returns the HelmReleases. The CRDs come with the charts and are
// created or replaced on install and upgrade; every release waits for
// kube-prometheus-stack, whose CRDs (ServiceMonitor, ...) the others use.
func Releases(s *model.Spec, charts []Chart, repoNames map[string]string) []*helmv2.HelmRelease {
	var first string
	for _, c := range charts {
		if c.First {
			first = c.Release
		}
	}
	var out []*helmv2.HelmRelease
	for _, c := range charts {
		hr := &helmv2.HelmRelease{
			TypeMeta:   metav1.TypeMeta{APIVersion: helmv2.GroupVersion.String(), Kind: helmv2.HelmReleaseKind},
			ObjectMeta: metav1.ObjectMeta{Name: c.Release, Namespace: s.Stack.Namespace},
			Spec: helmv2.HelmReleaseSpec{
				Interval:    metav1.Duration{Duration: time.Hour},
				ReleaseName: c.Release,
				Timeout:     &metav1.Duration{Duration: 10 * time.Minute},
				Chart: &helmv2.HelmChartTemplate{Spec: helmv2.HelmChartTemplateSpec{
					Chart:     c.Name,
					Version:   c.Chart.Version,
					SourceRef: helmv2.CrossNamespaceObjectReference{Kind: sourcev1.HelmRepositoryKind, Name: repoNames[c.Chart.Repository]},
				}},
				Install: &helmv2.Install{CRDs: helmv2.CreateReplace, Remediation: &helmv2.InstallRemediation{Retries: 3}},
				Upgrade: &helmv2.Upgrade{CRDs: helmv2.CreateReplace, Remediation: &helmv2.UpgradeRemediation{Retries: 3}},
				ValuesFrom: []helmv2.ValuesReference{{
					Kind: "ConfigMap", Name: c.ValuesConfigMap, ValuesKey: stack.ValuesKey,
				}},
			},
		}
		if !c.First {
			hr.Spec.DependsOn = []helmv2.DependencyReference{{Name: first}}
		}
		out = append(out, hr)
	}
	return out
}

// repoName names a repository after its URL: the GitHub Pages owner
// (prometheus-community.github.io → prometheus-community), else the host.
func repoName(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return "charts"
	}
	host := strings.ToLower(p.Hostname())
	if owner, ok := strings.CutSuffix(host, ".github.io"); ok {
		return sanitize(owner)
	}
	return sanitize(strings.ReplaceAll(host, ".", "-"))
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 50 {
		out = strings.TrimRight(out[:50], "-")
	}
	if out == "" {
		return "charts"
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
