package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
)

// kubeTools are the Kubernetes programs of the suite.
type kubeTools struct {
	etcd, apiserver, kubectl string
}

// buildKubeTools builds kube-apiserver and kubectl (tools/kube-apiserver)
// and finds Debian's etcd; it fails, never skips, when one is missing.
func buildKubeTools(t *testing.T, root string) kubeTools {
	t.Helper()
	dir := binDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	var k kubeTools
	var err error
	if k.etcd, err = harness.FindEtcd(); err != nil {
		t.Fatal(err)
	}
	if k.apiserver, err = harness.BuildKubeAPIServer(ctx, root, dir, t.Logf); err != nil {
		t.Fatalf("cannot build kube-apiserver from tools/%s: %v", harness.KubeModule, err)
	}
	if k.kubectl, err = harness.BuildKubectl(ctx, root, dir, t.Logf); err != nil {
		t.Fatalf("cannot build kubectl from tools/%s: %v", harness.KubeModule, err)
	}
	return k
}

func binDir(t *testing.T) string {
	t.Helper()
	dir, err := harness.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// cluster is a running control plane with the CRDs installed, and kubectl
// for it as cluster-admin.
type cluster struct {
	*harness.ControlPlane
	kubectl *harness.Kubectl
}

// startCluster starts etcd and kube-apiserver under dir/cluster, installs the
// prometheus-operator and Flux CRDs, and stops everything in cleanup (the
// logs are printed when the test failed).
func startCluster(t *testing.T, root, dir string, k kubeTools) *cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	cp, err := harness.StartControlPlane(ctx, filepath.Join(dir, "cluster"), harness.ControlPlaneBinaries{Etcd: k.etcd, APIServer: k.apiserver})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("control plane logs:\n%s", cp.Logs(30))
		}
		cp.Stop()
	})
	ready := time.Since(start)
	c := &cluster{ControlPlane: cp, kubectl: &harness.Kubectl{Path: k.kubectl, Kubeconfig: cp.AdminKubeconfig, CacheDir: filepath.Join(dir, "kubectl-cache")}}
	crds, err := harness.CRDDirs(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.kubectl.InstallCRDs(ctx, crds); err != nil {
		t.Fatalf("installing the CRDs of %v: %v", crds, err)
	}
	t.Logf("control plane ready in %.1fs, CRDs established %.1fs later (%s)", ready.Seconds(), (time.Since(start) - ready).Seconds(), cp.URL)
	return c
}

// buildCompiler builds ./cmd/dataopsgen into dir.
func buildCompiler(t *testing.T, root, dir string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	bin := filepath.Join(dir, "dataopsgen")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if err := harness.BuildCommand(ctx, root, "./cmd/dataopsgen", bin); err != nil {
		t.Fatalf("cannot build the compiler: %v", err)
	}
	return bin
}

// runBuild runs `dataopsgen build spec -o out` and returns its output.
func runBuild(t *testing.T, bin, dir, spec, out string) string {
	t.Helper()
	p, err := harness.StartProcess("dataopsgen-build-"+filepath.Base(out), dir, bin, "build", spec, "-o", out)
	if err != nil {
		t.Fatal(err)
	}
	<-waitExit(p)
	if _, err := p.Exited(); err != nil {
		t.Fatalf("dataopsgen build %s -o %s: %v\n%s", spec, out, err, p.Tail(60))
	}
	return p.Tail(20)
}
