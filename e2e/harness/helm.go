package harness

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// HelmModule is the tools module (tools/helm/go.mod) helm is built from; its
// go.mod pins helm.sh/helm/v4 and its go.sum is committed whole.
const HelmModule = "helm"

// HelmKubeVersion is the Kubernetes version charts are rendered for
// (`helm template --kube-version`): the kube-apiserver the end-to-end suite
// runs. Explicit, so that a helm upgrade (whose default follows its
// client-go) does not change what the charts render.
const HelmKubeVersion = "v1.37.2"

// Helm runs a helm binary built from the tools module. Every command runs
// with HELM_CACHE_HOME, HELM_CONFIG_HOME and HELM_DATA_HOME in a directory
// of its own: the user's repositories, plugins and registry logins are never
// read, and nothing is fetched from a chart repository.
type Helm struct {
	// Path is the helm binary.
	Path string
	// Version is the helm.sh/helm/v4 version tools/helm/go.mod requires
	// (also what `helm version` prints: it is set with -ldflags).
	Version string
	// KubeVersion is passed to `helm template --kube-version`.
	KubeVersion string
	// Home holds helm's cache, config and data directories.
	Home string
}

// HelmVersion returns the helm.sh/helm/v4 version tools/helm/go.mod requires.
func HelmVersion(repoRoot string) (string, error) {
	return toolModuleVersion(repoRoot, HelmModule, "helm.sh/helm/v4")
}

// BuildHelm builds helm from tools/helm into dir (see BuildTool) and returns
// it ready to render, with its home under dir. The version printed by
// `helm version` is the module's, as helm's own Makefile sets it.
func BuildHelm(ctx context.Context, repoRoot, dir string, logf func(string, ...any)) (*Helm, error) {
	version, err := HelmVersion(repoRoot)
	if err != nil {
		return nil, err
	}
	path, err := BuildTool(ctx, repoRoot, dir, Tool{
		Module:  HelmModule,
		Package: "helm.sh/helm/v4/cmd/helm",
		Name:    "helm",
		// helm.sh/helm/v4 Makefile: LDFLAGS += -X helm.sh/helm/v4/internal/version.version=${BINARY_VERSION}
		LDFlags: "-X helm.sh/helm/v4/internal/version.version=" + version,
	}, logf)
	if err != nil {
		return nil, err
	}
	return &Helm{Path: path, Version: version, KubeVersion: HelmKubeVersion, Home: filepath.Join(dir, "helm-home")}, nil
}

// Run runs helm with args and returns its standard output; an error carries
// its standard error.
func (h *Helm) Run(ctx context.Context, args ...string) ([]byte, error) {
	if err := os.MkdirAll(h.Home, 0o755); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, h.Path, args...)
	cmd.Env = append(os.Environ(),
		"HELM_CACHE_HOME="+filepath.Join(h.Home, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(h.Home, "config"),
		"HELM_DATA_HOME="+filepath.Join(h.Home, "data"),
		"HELM_NO_PLUGINS=1",
		// Never a kubeconfig of the machine: template is client-only.
		"KUBECONFIG="+filepath.Join(h.Home, "no-kubeconfig"),
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("helm %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes(), nil
}

// ShowValues returns the chart's own values.yaml (`helm show values`), as
// the chart archive holds it.
func (h *Helm) ShowValues(ctx context.Context, chart string) ([]byte, error) {
	return h.Run(ctx, "show", "values", chart)
}

// RenderChart renders a chart archive (`helm template`) as release in
// namespace with the values files in order (later files win, as with -f),
// and returns every object it renders, in helm's order. CRDs are left out
// (the chart's crds/ directory; kube-prometheus-stack's are ~10 MB).
func (h *Helm) RenderChart(ctx context.Context, chart, release, namespace string, values ...string) (*Rendered, error) {
	args := []string{"template", release, chart, "--namespace", namespace, "--kube-version", h.KubeVersion}
	for _, v := range values {
		args = append(args, "--values", v)
	}
	out, err := h.Run(ctx, args...)
	if err != nil {
		return nil, err
	}
	r, err := ParseRendered(out)
	if err != nil {
		return nil, fmt.Errorf("helm template %s %s: %w", release, chart, err)
	}
	r.Chart, r.Release, r.Namespace = chart, release, namespace
	return r, nil
}

// Rendered is what `helm template` printed, as objects.
type Rendered struct {
	Chart, Release, Namespace string
	Objects                   []*Object
}

// Object is one rendered object and the template it came from.
type Object struct {
	// Source is the template path helm names in its "# Source:" comment,
	// e.g. "kube-prometheus-stack/templates/prometheus/prometheus.yaml".
	Source string
	unstructured.Unstructured
}

// String names the object as messages do: Kind/name (template).
func (o *Object) String() string {
	return fmt.Sprintf("%s/%s (%s)", o.GetKind(), o.GetName(), o.Source)
}

var sourceComment = regexp.MustCompile(`(?m)^# Source: (.+)$`)

// ParseRendered splits helm's multi-document output into objects; empty
// documents (a template that rendered nothing) are skipped, a document that
// is not a Kubernetes object is an error.
func ParseRendered(out []byte) (*Rendered, error) {
	r := &Rendered{}
	reader := k8syaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(out)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		var source string
		if m := sourceComment.FindSubmatch(doc); m != nil {
			source = string(m[1])
		}
		var obj map[string]any
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		if len(obj) == 0 {
			continue
		}
		o := &Object{Source: source, Unstructured: unstructured.Unstructured{Object: obj}}
		if o.GetKind() == "" || o.GetAPIVersion() == "" {
			return nil, fmt.Errorf("%s: a document without apiVersion and kind", source)
		}
		r.Objects = append(r.Objects, o)
	}
	return r, nil
}

// OfKind returns the objects of a kind, in order.
func (r *Rendered) OfKind(kind string) []*Object {
	var out []*Object
	for _, o := range r.Objects {
		if o.GetKind() == kind {
			out = append(out, o)
		}
	}
	return out
}

// Find returns the object of kind and name.
func (r *Rendered) Find(kind, name string) (*Object, bool) {
	for _, o := range r.Objects {
		if o.GetKind() == kind && o.GetName() == name {
			return o, true
		}
	}
	return nil, false
}

// One returns the only object of kind, or an error naming how many there are.
func (r *Rendered) One(kind string) (*Object, error) {
	objs := r.OfKind(kind)
	if len(objs) != 1 {
		var names []string
		for _, o := range objs {
			names = append(names, o.GetName())
		}
		return nil, fmt.Errorf("chart %s rendered %d %s objects %q, want 1", filepath.Base(r.Chart), len(objs), kind, names)
	}
	return objs[0], nil
}

// toolModuleVersion reads the version of module that tools/<tool>/go.mod
// requires.
func toolModuleVersion(repoRoot, tool, module string) (string, error) {
	p := filepath.Join(repoRoot, "tools", tool, "go.mod")
	b, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 && f[0] == module {
			return f[1], nil
		}
	}
	return "", fmt.Errorf("%s does not require %s", p, module)
}
