package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The tools modules (tools/<name>/go.mod) of the Kubernetes programs.
const (
	KubeModule     = "kube-apiserver"      // k8s.io/kubernetes: kube-apiserver, kubectl
	OperatorModule = "prometheus-operator" // github.com/prometheus-operator/prometheus-operator
	KSMModule      = "kube-state-metrics"  // k8s.io/kube-state-metrics/v2
	FluxCRDsModule = "flux-crds"           // Flux helm-controller, source-controller (CRDs only)
	// AlertmanagerModule: github.com/prometheus/alertmanager.
	AlertmanagerModule = "alertmanager"
)

// BuildKubeAPIServer and BuildKubectl build k8s.io/kubernetes's programs of
// the version tools/kube-apiserver/go.mod requires. The version variables
// are those of kubernetes' hack/lib/version.sh (without them /version is
// unparsable and clients refuse it).
func BuildKubeAPIServer(ctx context.Context, repoRoot, dir string, logf func(string, ...any)) (string, error) {
	return buildKube(ctx, repoRoot, dir, "kube-apiserver", logf)
}

// BuildKubectl: see BuildKubeAPIServer.
func BuildKubectl(ctx context.Context, repoRoot, dir string, logf func(string, ...any)) (string, error) {
	return buildKube(ctx, repoRoot, dir, "kubectl", logf)
}

func buildKube(ctx context.Context, repoRoot, dir, cmd string, logf func(string, ...any)) (string, error) {
	v, err := toolModuleVersion(repoRoot, KubeModule, "k8s.io/kubernetes")
	if err != nil {
		return "", err
	}
	major, minor, ok := strings.Cut(strings.TrimPrefix(v, "v"), ".")
	if !ok {
		return "", fmt.Errorf("k8s.io/kubernetes version %q", v)
	}
	minor, _, _ = strings.Cut(minor, ".")
	const pkg = "k8s.io/component-base/version"
	return BuildTool(ctx, repoRoot, dir, Tool{
		Module:  KubeModule,
		Package: "k8s.io/kubernetes/cmd/" + cmd,
		Name:    cmd,
		LDFlags: fmt.Sprintf("-s -w -X %s.gitVersion=%s -X %s.gitMajor=%s -X %s.gitMinor=%s", pkg, v, pkg, major, pkg, minor),
	}, logf)
}

// BuildOperator builds the prometheus-operator of tools/prometheus-operator.
func BuildOperator(ctx context.Context, repoRoot, dir string, logf func(string, ...any)) (string, error) {
	v, err := toolModuleVersion(repoRoot, OperatorModule, "github.com/prometheus-operator/prometheus-operator")
	if err != nil {
		return "", err
	}
	return BuildTool(ctx, repoRoot, dir, Tool{
		Module:  OperatorModule,
		Package: "github.com/prometheus-operator/prometheus-operator/cmd/operator",
		Name:    "prometheus-operator",
		// Makefile of prometheus-operator: -X $(GO_PKG)/../common/version.Version
		LDFlags: "-X github.com/prometheus/common/version.Version=" + strings.TrimPrefix(v, "v"),
	}, logf)
}

// BuildKubeStateMetrics builds the kube-state-metrics of
// tools/kube-state-metrics.
func BuildKubeStateMetrics(ctx context.Context, repoRoot, dir string, logf func(string, ...any)) (string, error) {
	v, err := toolModuleVersion(repoRoot, KSMModule, "k8s.io/kube-state-metrics/v2")
	if err != nil {
		return "", err
	}
	return BuildTool(ctx, repoRoot, dir, Tool{
		Module:  KSMModule,
		Package: "k8s.io/kube-state-metrics/v2",
		Name:    "kube-state-metrics",
		// Makefile of kube-state-metrics: -X ${PKG}/version.Version=${TAG}
		LDFlags: "-X github.com/prometheus/common/version.Version=" + v,
	}, logf)
}

// BuildAlertmanager builds cmd/alertmanager of tools/alertmanager, whose
// github.com/prometheus/alertmanager must be the version the product's
// go.mod requires (cmd/alertmanager does not build with the product's
// dependency versions: a module of its own), into dir.
//
// The module zip lacks the web UI's built assets (ui/app/dist, made by npm
// in Alertmanager's release build; ui/web.go embeds them), and the go
// command does not let a build overlay replace files of the module cache:
// the module is copied once into dir/alertmanager-src/<version>/ with a
// one-page ui/app/dist/index.html, and built through a replace directive
// in a copy of the tools module's go.mod. The API, routing and notifiers are
// the module's code unchanged; only the page at / is ours.
func BuildAlertmanager(ctx context.Context, repoRoot, dir string, logf func(string, ...any)) (string, error) {
	const module = "github.com/prometheus/alertmanager"
	v, err := toolModuleVersion(repoRoot, AlertmanagerModule, module)
	if err != nil {
		return "", err
	}
	if pv, err := goModVersion(filepath.Join(repoRoot, "go.mod"), module); err != nil || pv != v {
		return "", fmt.Errorf("tools/%s requires %s %s, the product's go.mod %s (%v): they must agree", AlertmanagerModule, module, v, pv, err)
	}
	toolsDir := filepath.Join(repoRoot, "tools", AlertmanagerModule)
	modDir, err := moduleDirIn(ctx, toolsDir, module)
	if err != nil {
		return "", err
	}
	src := filepath.Join(dir, "alertmanager-src", v)
	if _, err := os.Stat(filepath.Join(src, "go.mod")); err != nil {
		tmp := src + ".tmp"
		_ = os.RemoveAll(tmp)
		if err := os.CopyFS(tmp, os.DirFS(modDir)); err != nil {
			return "", fmt.Errorf("copy %s: %w", modDir, err)
		}
		page := "<!doctype html><title>Alertmanager " + v + "</title>\n<p>The web UI's assets are not in the Go module; the API is at /api/v2/.</p>\n"
		if err := writeFiles(filepath.Join(tmp, "ui", "app", "dist"), map[string]string{"index.html": page}); err != nil {
			return "", err
		}
		if err := os.Rename(tmp, src); err != nil {
			return "", err
		}
	}
	mod, err := os.ReadFile(filepath.Join(toolsDir, "go.mod"))
	if err != nil {
		return "", err
	}
	sum, err := os.ReadFile(filepath.Join(toolsDir, "go.sum"))
	if err != nil {
		return "", err
	}
	mod = append(mod, []byte("\nreplace "+module+" => "+src+"\n")...)
	build := filepath.Join(dir, "alertmanager-build")
	if err := writeFiles(build, map[string]string{"go.mod": string(mod), "go.sum": string(sum), "tools.go": "//go:build tools\n\npackage tools\n"}); err != nil {
		return "", err
	}
	return buildGo(ctx, build, dir, Tool{
		Package: module + "/cmd/alertmanager",
		Name:    "alertmanager",
		// Makefile.common of Alertmanager (promu): -X .../common/version.Version
		LDFlags: "-X github.com/prometheus/common/version.Version=" + strings.TrimPrefix(v, "v"),
	}, logf)
}

// moduleDirIn returns the module cache directory of module as the go.mod in
// dir requires it.
func moduleDirIn(ctx context.Context, dir, module string) (string, error) {
	goCmd, err := GoCommand()
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, goCmd, "mod", "download", "-json", module)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var info struct {
		Dir, Error string
	}
	_ = json.Unmarshal(out, &info)
	if err != nil || info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s (in %s): %v %s\n%s", module, dir, err, info.Error, stderr.String())
	}
	return info.Dir, nil
}

// FindEtcd returns Debian's etcd (package etcd-server; `make e2e-deps`
// installs it), else etcd from PATH.
func FindEtcd() (string, error) {
	if p := os.Getenv("ETCD"); p != "" {
		return p, nil
	}
	for _, p := range []string{"/usr/bin/etcd"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("etcd"); err == nil {
		return p, nil
	}
	return "", errors.New("etcd not found: install Debian's etcd-server (apt-get install etcd-server; `make e2e-deps` does) or set $ETCD")
}

// ModuleDir returns the directory of module in the Go module cache, as the
// tools module tools/<toolsModule> requires it (`go mod download`, checked
// against that module's go.sum).
func ModuleDir(ctx context.Context, repoRoot, toolsModule, module string) (string, error) {
	return moduleDirIn(ctx, filepath.Join(repoRoot, "tools", toolsModule), module)
}

// CRDSource is a directory of CustomResourceDefinitions in a module.
type CRDSource struct {
	ToolsModule, Module, Dir string
}

// CRDSources are the CRDs the overlays need: the prometheus-operator's (the
// version the suite runs) and Flux's HelmRelease and sources.
var CRDSources = []CRDSource{
	{OperatorModule, "github.com/prometheus-operator/prometheus-operator", "example/prometheus-operator-crd"},
	{FluxCRDsModule, "github.com/fluxcd/helm-controller", "config/crd/bases"},
	{FluxCRDsModule, "github.com/fluxcd/source-controller", "config/crd/bases"},
}

// CRDDirs returns the directories of CRDSources in the module cache.
func CRDDirs(ctx context.Context, repoRoot string) ([]string, error) {
	var out []string
	for _, s := range CRDSources {
		d, err := ModuleDir(ctx, repoRoot, s.ToolsModule, s.Module)
		if err != nil {
			return nil, err
		}
		dir := filepath.Join(d, filepath.FromSlash(s.Dir))
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("CRDs of %s: %w", s.Module, err)
		}
		out = append(out, dir)
	}
	return out, nil
}

// Kubectl runs kubectl against one API server, with its discovery cache in
// a directory of its own (never ~/.kube).
type Kubectl struct {
	Path, Kubeconfig, CacheDir string
}

// Run runs kubectl with args, stdin (may be nil), and returns its standard
// output; an error carries its standard error.
func (k *Kubectl) Run(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	full := append([]string{"--kubeconfig=" + k.Kubeconfig, "--cache-dir=" + k.CacheDir}, args...)
	cmd := exec.CommandContext(ctx, k.Path, full...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+k.Kubeconfig)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("kubectl %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// InstallCRDs applies every CRD of dirs (server-side: the operator's exceed
// the client-side annotation limit) and waits until all are Established.
func (k *Kubectl) InstallCRDs(ctx context.Context, dirs []string) error {
	args := []string{"apply", "--server-side", "--field-manager=e2e"}
	for _, d := range dirs {
		args = append(args, "-f", d)
	}
	if _, err := k.Run(ctx, nil, args...); err != nil {
		return err
	}
	_, err := k.Run(ctx, nil, "wait", "--for=condition=Established", "crd", "--all", "--timeout=120s")
	return err
}

// goModVersion reads the version a go.mod requires of module.
func goModVersion(goMod, module string) (string, error) {
	b, err := os.ReadFile(goMod)
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 && f[0] == module {
			return f[1], nil
		}
	}
	return "", fmt.Errorf("%s does not require %s", goMod, module)
}
