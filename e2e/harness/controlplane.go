package harness

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// ControlPlaneBinaries are the programs of a control plane.
type ControlPlaneBinaries struct {
	// Etcd is Debian's etcd (package etcd-server).
	Etcd string
	// APIServer is kube-apiserver built from tools/kube-apiserver.
	APIServer string
}

// ControlPlane is an etcd and a kube-apiserver on 127.0.0.1, with no kubelet,
// scheduler or controller-manager: objects are what the test writes, their
// status too. Clients authenticate with a static token of system:masters
// (AdminKubeconfig), or with ServiceAccount tokens the API issues
// (Kubeconfig).
type ControlPlane struct {
	// URL is https://127.0.0.1:<port>.
	URL string
	// Dir holds the data, certificates, keys and kubeconfigs.
	Dir string
	// AdminKubeconfig authenticates as a member of system:masters.
	AdminKubeconfig string
	// ServingCert is the API server's self-signed serving certificate (what
	// a pod finds at /var/run/secrets/kubernetes.io/serviceaccount/ca.crt).
	ServingCert string

	etcd, apiserver *Process
	client          *Kube
}

// adminToken is the static token of the test's cluster-admin; the API
// server listens on loopback only and lives for one test.
const adminToken = "dataopsgen-e2e-admin"

// StartControlPlane starts etcd and kube-apiserver under dir and waits until
// the API server is ready (/readyz). Stop stops both.
func StartControlPlane(ctx context.Context, dir string, bins ControlPlaneBinaries) (*ControlPlane, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cp := &ControlPlane{Dir: dir}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	client, peer, secure := ports[0], ports[1], ports[2]
	clientURL := "http://127.0.0.1:" + strconv.Itoa(client)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(peer)
	cp.etcd, err = StartProcess("etcd", dir, bins.Etcd,
		"--name=default",
		"--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+clientURL, "--advertise-client-urls="+clientURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=default="+peerURL,
		"--log-level=warn", "--logger=zap",
	)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*ControlPlane, error) {
		cp.Stop()
		return nil, err
	}
	if err := writeServiceAccountKeys(dir); err != nil {
		return fail(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tokens.csv"), []byte(adminToken+",admin,admin,system:masters\n"), 0o600); err != nil {
		return fail(err)
	}
	certDir := filepath.Join(dir, "certs")
	cp.URL = "https://127.0.0.1:" + strconv.Itoa(secure)
	// kube-apiserver flags: /work/shared/research/real-k8s-components.md
	// ("Starting them"); --endpoint-reconciler-type=none because the
	// advertise address is loopback (the reconciler refuses it).
	cp.apiserver, err = StartProcess("kube-apiserver", dir, bins.APIServer,
		"--etcd-servers="+clientURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(secure),
		"--endpoint-reconciler-type=none",
		"--cert-dir="+certDir,
		"--token-auth-file="+filepath.Join(dir, "tokens.csv"),
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+filepath.Join(dir, "sa.pub"),
		"--service-account-signing-key-file="+filepath.Join(dir, "sa.key"),
		"--service-cluster-ip-range=10.96.0.0/16",
		"--profiling=false",
	)
	if err != nil {
		return fail(err)
	}
	cp.AdminKubeconfig = filepath.Join(dir, "admin.kubeconfig")
	if err := writeKubeconfig(cp.AdminKubeconfig, cp.URL, adminToken); err != nil {
		return fail(err)
	}
	cp.client = &Kube{URL: cp.URL, Token: adminToken, HTTP: insecureClient()}
	deadline := time.Now().Add(90 * time.Second)
	for {
		if done, err := cp.etcd.Exited(); done {
			return fail(fmt.Errorf("etcd exited: %v\n%s", err, cp.etcd.Tail(30)))
		}
		if done, err := cp.apiserver.Exited(); done {
			return fail(fmt.Errorf("kube-apiserver exited: %v\n%s", err, cp.apiserver.Tail(30)))
		}
		if cp.client.Ready(ctx) {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fail(fmt.Errorf("kube-apiserver not ready after 90s\n%s", cp.apiserver.Tail(30)))
		}
		time.Sleep(200 * time.Millisecond)
	}
	cp.ServingCert = filepath.Join(certDir, "apiserver.crt")
	if _, err := os.Stat(cp.ServingCert); err != nil {
		return fail(fmt.Errorf("kube-apiserver wrote no serving certificate: %w", err))
	}
	return cp, nil
}

// Client is a client of the API server as cluster-admin.
func (cp *ControlPlane) Client() *Kube { return cp.client }

// Stop stops kube-apiserver, then etcd: SIGTERM, then SIGKILL after 5s (with
// watchers connected the API server can take 40s+ to end on SIGTERM).
func (cp *ControlPlane) Stop() {
	for _, p := range []*Process{cp.apiserver, cp.etcd} {
		if p != nil {
			p.Stop(5 * time.Second)
		}
	}
}

// Logs returns the tails of the API server and etcd logs.
func (cp *ControlPlane) Logs(n int) string {
	var b strings.Builder
	for _, p := range []*Process{cp.apiserver, cp.etcd} {
		if p != nil {
			fmt.Fprintf(&b, "--- %s (%s) ---\n%s\n", p.Name, p.Log, p.Tail(n))
		}
	}
	return b.String()
}

// Kubeconfig writes a kubeconfig for a ServiceAccount: a token the API
// issues (TokenRequest, one hour), as the kubelet would mount it in the
// ServiceAccount's pods. The component then has exactly the RBAC the chart
// grants it.
func (cp *ControlPlane) Kubeconfig(ctx context.Context, namespace, serviceAccount string) (path, token string, err error) {
	token, err = cp.client.ServiceAccountToken(ctx, namespace, serviceAccount)
	if err != nil {
		return "", "", err
	}
	path = filepath.Join(cp.Dir, "kubeconfig-"+namespace+"-"+serviceAccount)
	return path, token, writeKubeconfig(path, cp.URL, token)
}

func writeKubeconfig(path, server, token string) error {
	cfg := map[string]any{
		"apiVersion": "v1",
		"kind":       "Config",
		"clusters": []any{map[string]any{"name": "e2e", "cluster": map[string]any{
			"server": server,
			// The serving certificate is self-signed, for 127.0.0.1.
			"insecure-skip-tls-verify": true,
		}}},
		"users":           []any{map[string]any{"name": "e2e", "user": map[string]any{"token": token}}},
		"contexts":        []any{map[string]any{"name": "e2e", "context": map[string]any{"cluster": "e2e", "user": "e2e"}}},
		"current-context": "e2e",
	}
	b, err := yaml.Marshal(cfg)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// writeServiceAccountKeys writes sa.key (RSA private key, PKCS#1) and sa.pub
// (its public key, PKIX) for signing ServiceAccount tokens.
func writeServiceAccountKeys(dir string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "sa.key"), pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "sa.pub"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644)
}

func insecureClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // self-signed loopback API server of the test.
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// freePorts returns n distinct free ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	seen := map[int]bool{}
	var out []int
	for tries := 0; len(out) < n; tries++ {
		if tries > 10*n {
			return nil, errors.New("no free ports")
		}
		p, err := FreePort()
		if err != nil {
			return nil, err
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, nil
}
