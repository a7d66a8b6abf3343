package e2e

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"github.com/dataopsgen/dataopsgen/e2e/testapps"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// What testdata/spec/e2e.cue declares.
const (
	namespace        = "ml"
	inferenceName    = "resnet"
	inferenceTeam    = "ml-serving"
	model            = "resnet50"
	trainingName     = "trainer"
	trainingTeam     = "ml-platform"
	trainingJob      = "trainer"
	componentLabel   = "app.kubernetes.io/component"
	webhookSecret    = "e2e-webhook"
	webhookSecretKey = "url"
	webhookReceiver  = "e2e-webhook"
	replicaSetHash   = "6d5f8c7b9"
	// nodeName is the node the workload pods are bound to (no Node object:
	// nothing needs one without a kubelet).
	nodeName = "e2e-node"
	// The workloads on server presets (servers_test.go).
	vllmName    = "chat"
	vllmTeam    = "llm-serving"
	vllmModel   = "meta-llama/Llama-3.1-8B-Instruct"
	tritonName  = "vision"
	tritonTeam  = "vision"
	tritonModel = "densenet_onnx"
)

// wantAlerts are the alerts the compiler must generate for the spec.
var wantAlerts = []string{
	"HighInferenceLatency",
	"InferenceErrorRateHigh",
	"InferenceServiceDown",
	"TrainingJobFailed",
	"TrainingPodCrashLooping",
	"TrainingProgressStalled",
	sloPage,
	sloTicket,
	"TrainingJobRetried",
	"TrainingPodPending",
	"HighTimeToFirstToken",
	"HighTimePerOutputToken",
	"InferenceQueueBacklog",
	"KVCacheNearlyFull",
}

// podRef is a workload pod in the API server that Prometheus must scrape.
type podRef struct {
	name, workload, component, container string
}

// stack is everything the test runs.
type stack struct {
	dir  string
	bins binaries
	ov   *harness.Overlay

	cluster *cluster
	kube    *harness.Kube
	release *release

	inference []*testapps.Inference // one per inference pod slot, each on its own pod IP
	training  *testapps.Training
	vllm      *testapps.VLLM   // the vLLM stand-in of workload chat
	triton    *testapps.Triton // the Triton stand-in of workload vision
	hook      *testapps.Webhook

	prom  *harness.Prometheus
	am    *harness.Alertmanager
	procs []*harness.Process

	// endpoints are the Services whose pods the harness runs as processes.
	endpoints []harness.ServiceEndpoints
	// ksmPool is the scrape pool of kube-state-metrics (its ServiceMonitor).
	ksmPool string
	// ourJobs are the overlay's scrape jobs, ourAlerts its alerts.
	ourJobs, ourAlerts []string

	ips ipAllocator

	mu       sync.Mutex
	expected map[string]podRef // pods that must be scraped, by name
	podGen   int
	// owners are the uids of the ReplicaSet and the Job the pods belong to.
	rsUID, jobUID string
}

// workDir is a fresh directory for configs, data and logs; kept (and logged)
// when DATAOPSGEN_E2E_KEEP is set.
func workDir(t *testing.T) string {
	if os.Getenv("DATAOPSGEN_E2E_KEEP") == "" {
		return t.TempDir()
	}
	d, err := os.MkdirTemp("", "dataopsgen-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("DATAOPSGEN_E2E_KEEP: work dir %s is kept", d)
	return d
}

// binaries are the programs of the stack.
type binaries struct {
	kubeTools
	prometheus, promtool, alertmanager, operator, ksm string
	helm                                              *harness.Helm
}

// buildBinaries builds every program of the stack (the Go build cache makes
// a rebuild take seconds); it fails, never skips, when one cannot be built.
func buildBinaries(t *testing.T, root string) binaries {
	t.Helper()
	dir := binDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	var b binaries
	var err error
	if b.prometheus, b.promtool, err = harness.BuildPrometheus(ctx, root, dir, t.Logf); err != nil {
		t.Fatalf("cannot build Prometheus from the module's github.com/prometheus/prometheus: %v", err)
	}
	if b.alertmanager, err = harness.BuildAlertmanager(ctx, root, dir, t.Logf); err != nil {
		t.Fatalf("cannot build Alertmanager from the module's github.com/prometheus/alertmanager: %v", err)
	}
	b.kubeTools = buildKubeTools(t, root)
	if b.operator, err = harness.BuildOperator(ctx, root, dir, t.Logf); err != nil {
		t.Fatalf("cannot build the prometheus-operator from tools/%s: %v", harness.OperatorModule, err)
	}
	if b.ksm, err = harness.BuildKubeStateMetrics(ctx, root, dir, t.Logf); err != nil {
		t.Fatalf("cannot build kube-state-metrics from tools/%s: %v", harness.KSMModule, err)
	}
	if b.helm, err = harness.BuildHelm(ctx, root, dir, t.Logf); err != nil {
		t.Fatalf("cannot build helm from tools/%s: %v", harness.HelmModule, err)
	}
	return b
}

// compile runs `dataopsgen build testdata/spec -o OUT` and loads OUT.
func compile(t *testing.T, root, dir string) *harness.Overlay {
	t.Helper()
	out := os.Getenv("DATAOPSGEN_E2E_OVERLAY")
	if out != "" {
		// A hand-edited overlay: to check that the test catches a broken
		// expression, relabeling or values.
		t.Logf("DATAOPSGEN_E2E_OVERLAY: running %s instead of compiling testdata/spec", out)
	} else {
		bin := buildCompiler(t, root, dir)
		out = filepath.Join(dir, "out")
		t.Logf("dataopsgen build:\n%s", runBuild(t, bin, dir, filepath.Join(root, "e2e", "testdata", "spec"), out))
	}
	ov, err := harness.LoadOverlay(out)
	if err != nil {
		t.Fatalf("compiled overlay: %v", err)
	}
	var got []string
	for _, r := range ov.Rules {
		got = append(got, r.Alerts()...)
	}
	for _, a := range wantAlerts {
		if !slices.Contains(got, a) {
			t.Errorf("compiler defect: the overlay has no alert %s (alerts: %v)", a, got)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return ov
}

func waitExit(p *harness.Process) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		for {
			if done, _ := p.Exited(); done {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	return ch
}

// startStack brings up the deployment path on a real control plane:
//
//  1. the overlay (kubectl apply --server-side -k) and the Secret its
//     receiver references, as a user creates it;
//  2. what kube-prometheus-stack renders from the overlay's values
//     (helm template, as the HelmRelease names release, namespace and chart
//     version), applied likewise;
//  3. the prometheus-operator, run with the args the chart gives it, until
//     it has generated the Prometheus config and rule files (with every
//     scrape job and rule group of the overlay) and the Alertmanager config;
//  4. the workload pods and Jobs, with the status a kubelet would set, and
//     kube-state-metrics with the chart's args;
//  5. Alertmanager and Prometheus on the operator's configs (rewritten only
//     where a kubelet is missing: see harness.PrometheusOutput.RuntimeConfig).
func startStack(t *testing.T, root, dir string, bins binaries, ov *harness.Overlay) *stack {
	t.Helper()
	s := installStack(t, root, dir, bins, ov)
	promOut, amOut := s.waitOperator(t)

	// 4. Pods, Jobs, kube-state-metrics.
	for range 2 {
		a, err := testapps.StartInference(testapps.InferenceOptions{Models: []string{model}, RequestsPerSecond: 50, Latency: 0.05, Host: s.ips.take()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		s.inference = append(s.inference, a)
	}
	var err error
	s.training, err = testapps.StartTraining("training_loss", s.ips.take())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.training.Close() })
	s.createOwners(t)
	s.addInferencePods(t)
	s.addTrainingPod(t)
	s.startServers(t)
	s.addDecoys(t)
	s.startControllers(t) // controllers_test.go: the PyTorchJob CRD and a run
	s.startKubeStateMetrics(t)

	// 5. Alertmanager and Prometheus.
	s.startAlertmanager(t, amOut)
	s.startPrometheus(t, promOut)
	return s
}

// installStack does steps 1-3 of startStack, up to a running operator.
func installStack(t *testing.T, root, dir string, bins binaries, ov *harness.Overlay) *stack {
	t.Helper()
	s := &stack{dir: dir, bins: bins, ov: ov, expected: map[string]podRef{}, ips: ipAllocator{next: 20}}
	for _, sc := range ov.ScrapeConfigs {
		name, _ := sc["job_name"].(string)
		s.ourJobs = append(s.ourJobs, name)
	}
	for _, r := range ov.Rules {
		s.ourAlerts = append(s.ourAlerts, r.Alerts()...)
	}
	s.cluster = startCluster(t, root, dir, bins.kubeTools)
	s.kube = s.cluster.Client()
	ctx := context.Background()

	// 1. The overlay, and the user's Secret.
	objs := s.cluster.kustomize(t, ov.Dir)
	if _, err := s.cluster.kubectl.Run(ctx, nil, "apply", "--server-side", "--field-manager=flux", "-k", ov.Dir); err != nil {
		t.Fatalf("applying the overlay: %v", err)
	}
	s.hook = must(t, testapps.StartWebhook)
	t.Cleanup(func() { s.hook.Close() })
	if err := s.kube.Create(ctx, harness.Secrets, releaseNamespace(t, objs), map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata":   map[string]any{"name": webhookSecret},
		"stringData": map[string]string{webhookSecretKey: s.hook.URL() + "/" + webhookReceiver},
	}, nil); err != nil {
		t.Fatal(err)
	}

	// 2. The chart.
	s.release = renderRelease(t, root, dir, bins.helm, objs)
	s.applyChart(t)

	// 3. The operator.
	s.startOperator(t)
	return s
}

func must[T any](t *testing.T, f func() (T, error)) T {
	t.Helper()
	v, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// ipAllocator hands out loopback addresses 127.0.0.<next>, one per pod or
// process: each listens on its own address, as pods have their own IPs.
type ipAllocator struct {
	mu   sync.Mutex
	next int
}

func (a *ipAllocator) take() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.next++
	return fmt.Sprintf("127.0.0.%d", a.next)
}

func freePortOn(t *testing.T, ip string) int {
	t.Helper()
	p, err := harness.FreePortOn(ip)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// start starts a process, stopped in cleanup (SIGTERM, SIGKILL after 5s);
// its log tail is printed when the test failed.
func (s *stack) start(t *testing.T, name, bin string, env []string, args ...string) *harness.Process {
	t.Helper()
	p, err := harness.StartProcessEnv(name, s.dir, bin, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	s.procs = append(s.procs, p)
	t.Cleanup(func() {
		p.Stop(5 * time.Second)
		if t.Failed() {
			t.Logf("--- %s log (last 40 lines of %s) ---\n%s", name, p.Log, p.Tail(40))
		}
	})
	return p
}

func (s *stack) waitReady(t *testing.T, p *harness.Process, ready func(context.Context) bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if done, err := p.Exited(); done {
			t.Fatalf("%s exited: %v\n%s", p.Name, err, p.Tail(60))
		}
		if ready(context.Background()) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s not ready after 60s\n%s", p.Name, p.Tail(60))
}

// checkAlive fails the test when a process died.
func (s *stack) checkAlive(t *testing.T) {
	t.Helper()
	for _, p := range s.procs {
		if done, err := p.Exited(); done {
			t.Fatalf("%s exited: %v\n%s", p.Name, err, p.Tail(60))
		}
	}
}

// ---- checks ----

// targetProblems compares the targets of the overlay's scrape jobs with the
// expected pods (and requires kube-state-metrics, scraped through its
// ServiceMonitor, up): every one up, labelled, nothing else scraped. The
// targets of the chart's other ServiceMonitors are not the test's business.
func (s *stack) targetProblems(ctx context.Context) ([]string, error) {
	active, _, err := s.prom.Targets(ctx)
	if err != nil {
		return nil, err
	}
	want := s.expectedPods()
	seen := map[string]bool{}
	var problems []string
	ksmUp := false
	for _, tg := range active {
		l := tg.Labels
		if tg.ScrapePool == s.ksmPool {
			ksmUp = ksmUp || tg.Health == "up"
			continue
		}
		if !slices.Contains(s.ourJobs, tg.ScrapePool) {
			continue
		}
		pod := l["pod"]
		ref, ok := want[pod]
		if !ok {
			if pod == "" {
				pod = tg.DiscoveredLabels["__meta_kubernetes_pod_name"]
			}
			problems = append(problems, fmt.Sprintf("unexpected target %s (pool %s, pod %q, labels %v)", tg.ScrapeURL, tg.ScrapePool, pod, l))
			continue
		}
		seen[pod] = true
		if tg.Health != "up" {
			problems = append(problems, fmt.Sprintf("target %s of pod %s is %s: %s", tg.ScrapeURL, pod, tg.Health, tg.LastError))
		}
		wantLabels := map[string]string{
			"namespace":                   namespace,
			"pod":                         pod,
			"container":                   ref.container,
			"workload":                    ref.workload,
			"app_kubernetes_io_component": ref.component,
		}
		for k, v := range wantLabels {
			if l[k] != v {
				problems = append(problems, fmt.Sprintf("target of pod %s: label %s=%q, want %q (labels %v)", pod, k, l[k], v, l))
			}
		}
	}
	for name := range want {
		if !seen[name] {
			problems = append(problems, "no target for pod "+name)
		}
	}
	if !ksmUp {
		problems = append(problems, fmt.Sprintf("kube-state-metrics target (pool %s) not up", s.ksmPool))
	}
	slices.Sort(problems)
	return problems, nil
}

// ruleProblems lists the overlay's rules whose evaluation fails (e.g.
// many-to-many matching): promtool cannot see those. The chart's default
// rules are logged by the healthy scenario, not judged.
func (s *stack) ruleProblems(ctx context.Context) ([]string, error) {
	rules, err := s.prom.Rules(ctx)
	if err != nil {
		return nil, err
	}
	groups := s.ourGroups()
	var problems []string
	for _, r := range rules {
		if r.Health == "err" && slices.Contains(groups, r.Group) {
			problems = append(problems, fmt.Sprintf("rule %s (group %s) fails to evaluate: %s\n  expr: %s", r.Name, r.Group, r.LastError, r.Query))
		}
	}
	return problems, nil
}

func (s *stack) ourGroups() []string {
	var out []string
	for _, r := range s.ov.Rules {
		for _, g := range r.Spec.Groups {
			if n, ok := g["name"].(string); ok {
				out = append(out, n)
			}
		}
	}
	return out
}

// waitBaseline waits until every expected target is up and labelled and
// none of the overlay's alerts is pending or firing, continuously for quiet.
// It returns when the quiet period began.
func (s *stack) waitBaseline(t *testing.T, quiet, timeout time.Duration) time.Time {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(timeout)
	var since time.Time
	var last string
	for time.Now().Before(deadline) {
		s.checkAlive(t)
		problems, err := s.targetProblems(ctx)
		if err != nil {
			problems = append(problems, err.Error())
		}
		alerts, err := s.prom.Alerts(ctx)
		if err != nil {
			problems = append(problems, err.Error())
		}
		for _, a := range alerts {
			if slices.Contains(s.ourAlerts, a.Labels["alertname"]) {
				problems = append(problems, fmt.Sprintf("alert %s is %s (labels %v)", a.Labels["alertname"], a.State, a.Labels))
			}
		}
		if len(problems) == 0 {
			if since.IsZero() {
				since = time.Now()
			}
			if time.Since(since) >= quiet {
				return since
			}
		} else {
			since = time.Time{}
			last = strings.Join(problems, "\n  ")
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("no quiet baseline (targets up, no alert for %s) within %s; last problems:\n  %s", quiet, timeout, last)
	return time.Time{}
}

func (s *stack) expectedPods() map[string]podRef {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.expected)
}

// releaseNamespace is the namespace of the kube-prometheus-stack
// HelmRelease: where the stack and the receivers' Secrets live.
func releaseNamespace(t *testing.T, objs []*unstructured.Unstructured) string {
	t.Helper()
	hr := kubePrometheusStackRelease(t, objs)
	if ns, _, _ := unstructured.NestedString(hr.Object, "spec", "targetNamespace"); ns != "" {
		return ns
	}
	return hr.GetNamespace()
}

func itoa(n int) string { return strconv.Itoa(n) }
