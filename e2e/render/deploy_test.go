package render

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"github.com/dataopsgen/dataopsgen/generators/flux"
	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/output"
)

// deployment is one overlay as a cluster gets it: the objects kustomize
// builds from its layers, and each chart rendered as its HelmRelease says.
type deployment struct {
	// Name says where it comes from: "examples/dataops",
	// "examples/environments/overlays/prod", ...
	Name string
	// Spec is the compiled spec (the environment's, for an overlay).
	Spec *model.Spec
	// Stack and Config are kustomize's output of the layers.
	Stack, Config *harness.Rendered
	// Releases are the charts as rendered, kube-prometheus-stack first.
	Releases []*release
}

// release is one chart installed by the overlay.
type release struct {
	Chart     harness.Chart
	Name      string
	Namespace string
	// ValuesFiles are the values helm read, in order.
	ValuesFiles []string
	Rendered    *harness.Rendered
}

// Release returns the release of chart, or fails the test.
func (d *deployment) Release(t *testing.T, chart string) *release {
	t.Helper()
	for _, r := range d.Releases {
		if r.Chart.Name == chart {
			return r
		}
	}
	t.Fatalf("%s installs no %s chart", d.Name, chart)
	return nil
}

// HasRelease reports whether the overlay installs chart.
func (d *deployment) HasRelease(chart string) bool {
	return slices.ContainsFunc(d.Releases, func(r *release) bool { return r.Chart.Name == chart })
}

// Rendered returns every object every chart rendered.
func (d *deployment) Rendered() []*harness.Object {
	var out []*harness.Object
	for _, r := range d.Releases {
		out = append(out, r.Rendered.Objects...)
	}
	return out
}

var (
	helmOnce sync.Once
	helmBin  *harness.Helm
	helmErr  error
)

// buildHelm builds helm once per test process (never skipped: a build that
// fails fails the test).
func buildHelm(t *testing.T) *harness.Helm {
	t.Helper()
	helmOnce.Do(func() {
		root, err := harness.RepoRoot()
		if err != nil {
			helmErr = err
			return
		}
		dir, err := harness.BinDir()
		if err != nil {
			helmErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		helmBin, helmErr = harness.BuildHelm(ctx, root, dir, t.Logf)
	})
	if helmErr != nil {
		t.Fatalf("building helm: %v", helmErr)
	}
	return helmBin
}

// specDirs are the specs rendered: every directory of examples/ with .cue
// files at its top (examples added later are picked up), and the test's
// own specs under testdata/specs (the paths examples do not take: Promtail,
// no Flux, remote write with credentials, email and webhook receivers).
func specDirs(t *testing.T, root string) []string {
	t.Helper()
	var dirs []string
	for _, parent := range []string{filepath.Join(root, "examples"), filepath.Join(root, "e2e", "render", "testdata", "specs")} {
		entries, err := os.ReadDir(parent)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			cue, err := filepath.Glob(filepath.Join(parent, e.Name(), "*.cue"))
			if err != nil {
				t.Fatal(err)
			}
			if len(cue) > 0 {
				dirs = append(dirs, filepath.Join(parent, e.Name()))
			}
		}
	}
	if len(dirs) < 3 {
		t.Fatalf("found only %d specs to render: %q", len(dirs), dirs)
	}
	return dirs
}

// compile builds a spec directory in-process, writes the overlay to a
// temporary directory and returns one deployment per overlay: the spec's
// own or, with environments, the base and each environment's.
func compile(t *testing.T, h *harness.Helm, charts harness.Charts, root, dir string) (deps []*deployment, edits int) {
	t.Helper()
	res, diags := build.Dir(dir, build.Options{})
	if diags != nil {
		t.Fatalf("%s: %v", dir, diags.Err())
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := output.Write(out, res.Files); err != nil {
		t.Fatal(err)
	}
	edits += editOverlay(t, out)
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		t.Fatal(err)
	}
	rel = filepath.ToSlash(rel)
	type overlay struct {
		name, dir string
		spec      *model.Spec
	}
	overlays := []overlay{{rel, out, res.Spec}}
	if len(res.Environments) > 0 {
		overlays = []overlay{{rel + "/" + kustomization.BaseDir, filepath.Join(out, kustomization.BaseDir), res.Spec}}
		for _, e := range res.Environments {
			overlays = append(overlays, overlay{rel + "/" + kustomization.OverlaysDir + "/" + e.Environment,
				filepath.Join(out, kustomization.OverlaysDir, e.Environment), e})
		}
	}
	for _, o := range overlays {
		d := &deployment{Name: o.name, Spec: o.spec}
		d.Stack = kustomize(t, filepath.Join(o.dir, artifact.StackDir))
		d.Config = kustomize(t, filepath.Join(o.dir, artifact.ConfigDir))
		d.Releases = releases(t, d, charts)
		valuesDir := t.TempDir()
		for i, r := range d.Releases {
			for j, v := range r.ValuesFiles {
				p := filepath.Join(valuesDir, fmt.Sprintf("%d-%s-%d.yaml", i, r.Name, j))
				if err := os.WriteFile(p, []byte(v), 0o644); err != nil {
					t.Fatal(err)
				}
				r.ValuesFiles[j] = p
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			r.Rendered, err = h.RenderChart(ctx, r.Chart.Path, r.Name, r.Namespace, r.ValuesFiles...)
			cancel()
			if err != nil {
				t.Fatalf("%s: %v", d.Name, err)
			}
		}
		deps = append(deps, d)
	}
	return deps, edits
}

// kustomize builds one layer of an overlay on disk, as Flux's
// kustomize-controller does.
func kustomize(t *testing.T, dir string) *harness.Rendered {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	b, err := m.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	r, err := harness.ParseRendered(b)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	return r
}

// releases returns the charts the overlay installs. With Flux, from its
// HelmReleases, each values source resolved as helm-controller resolves
// valuesFrom (by name, in the release's namespace, in order, then
// spec.values); a valuesFrom that names nothing fails the test (kustomize's
// name hashing, turned on, would do that). Without Flux, the charts the spec
// installs (flux.Charts) with their values ConfigMaps, as `helm install -f`.
func releases(t *testing.T, d *deployment, charts harness.Charts) []*release {
	t.Helper()
	var out []*release
	hrs := d.Stack.OfKind("HelmRelease")
	if len(hrs) == 0 {
		for _, c := range flux.Charts(d.Spec) {
			ch, err := charts.Get(c.Name, c.Chart.Version)
			if err != nil {
				t.Fatalf("%s: %v", d.Name, err)
			}
			values := configData(t, d, "ConfigMap", c.ValuesConfigMap, d.Spec.Stack.Namespace, "values.yaml", false)
			out = append(out, &release{Chart: ch, Name: c.Release, Namespace: d.Spec.Stack.Namespace, ValuesFiles: []string{values}})
		}
		return out
	}
	for _, hr := range hrs {
		var spec struct {
			ReleaseName     string `json:"releaseName"`
			TargetNamespace string `json:"targetNamespace"`
			Chart           struct {
				Spec struct {
					Chart   string `json:"chart"`
					Version string `json:"version"`
				} `json:"spec"`
			} `json:"chart"`
			ValuesFrom []struct {
				Kind, Name, ValuesKey string
				Optional              bool
			} `json:"valuesFrom"`
			Values map[string]any `json:"values"`
		}
		if err := remarshal(hr.Object["spec"], &spec); err != nil {
			t.Fatalf("%s: HelmRelease %s: %v", d.Name, hr.GetName(), err)
		}
		ch, err := charts.Get(spec.Chart.Spec.Chart, spec.Chart.Spec.Version)
		if err != nil {
			t.Fatalf("%s: HelmRelease %s: %v", d.Name, hr.GetName(), err)
		}
		// helm-controller (api/v2 HelmReleaseSpec): releaseName defaults to
		// [<targetNamespace>-]<name>; the release goes to targetNamespace,
		// else the HelmRelease's namespace.
		r := &release{Chart: ch, Name: spec.ReleaseName, Namespace: hr.GetNamespace()}
		if spec.TargetNamespace != "" {
			r.Namespace = spec.TargetNamespace
		}
		if r.Name == "" {
			r.Name = hr.GetName()
			if spec.TargetNamespace != "" {
				r.Name = spec.TargetNamespace + "-" + r.Name
			}
		}
		for _, vf := range spec.ValuesFrom {
			key := vf.ValuesKey
			if key == "" {
				key = "values.yaml" // helm-controller's default valuesKey
			}
			if v := configData(t, d, vf.Kind, vf.Name, hr.GetNamespace(), key, vf.Optional); v != "" {
				r.ValuesFiles = append(r.ValuesFiles, v)
			}
		}
		if len(spec.Values) > 0 {
			b, err := yaml.Marshal(spec.Values)
			if err != nil {
				t.Fatal(err)
			}
			r.ValuesFiles = append(r.ValuesFiles, string(b))
		}
		out = append(out, r)
	}
	return out
}

// configData returns key of the ConfigMap or Secret kind/name in namespace
// of the stack layer ("" when it is optional and absent).
func configData(t *testing.T, d *deployment, kind, name, namespace, key string, optional bool) string {
	t.Helper()
	for _, o := range d.Stack.OfKind(kind) {
		if o.GetName() != name || o.GetNamespace() != namespace {
			continue
		}
		data, err := objectData(o)
		if err != nil {
			t.Fatalf("%s: %s %s: %v", d.Name, kind, name, err)
		}
		v, ok := data[key]
		if !ok {
			t.Fatalf("%s: %s %s has no key %s", d.Name, kind, name, key)
		}
		return v
	}
	if optional {
		return ""
	}
	var names []string
	for _, o := range d.Stack.OfKind(kind) {
		names = append(names, o.GetNamespace()+"/"+o.GetName())
	}
	sort.Strings(names)
	t.Fatalf("%s: values from %s %s/%s, which the overlay does not hold (it holds %s: a hashed name?)", d.Name, kind, namespace, name, strings.Join(names, ", "))
	return ""
}

// remarshal converts a decoded value into a typed one.
func remarshal(in, out any) error {
	b, err := yaml.Marshal(in)
	if err != nil {
		return err
	}
	return yaml.Unmarshal(b, out)
}

// EditEnv names the variable that breaks the compiled overlays on purpose,
// to see the checks catch a broken generator past the build's own checks:
// "<file suffix>|<old>|<new>" replaces old by new in every file of every
// overlay whose path ends with the suffix (e.g.
// "kube-prometheus-stack.yaml|release: prometheus|release: other"). An edit
// that changes no file of any spec fails the test.
const EditEnv = "DATAOPSGEN_RENDER_EDIT"

// editOverlay applies $DATAOPSGEN_RENDER_EDIT to the overlay in dir and
// returns how many files it changed.
func editOverlay(t *testing.T, dir string) int {
	t.Helper()
	spec := os.Getenv(EditEnv)
	if spec == "" {
		return 0
	}
	parts := strings.SplitN(spec, "|", 3)
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		t.Fatalf("%s=%q: want <file suffix>|<old>|<new>", EditEnv, spec)
	}
	edited := 0
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(filepath.ToSlash(p), parts[0]) {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !strings.Contains(string(b), parts[1]) {
			return nil
		}
		edited++
		t.Logf("%s: replacing %q by %q in %s", EditEnv, parts[1], parts[2], p)
		return os.WriteFile(p, []byte(strings.ReplaceAll(string(b), parts[1], parts[2])), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return edited
}
