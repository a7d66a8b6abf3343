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

	"github.com/dataopsgen/dataopsgen/e2e/fakekube"
	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"github.com/dataopsgen/dataopsgen/e2e/testapps"
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
	promRelease      = "prometheus"
	ksmJob           = "kube-state-metrics"
	replicaSetHash   = "6d5f8c7b9"
	// The workloads on server presets.
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
	"HighTimeToFirstToken",
	"HighTimePerOutputToken",
	"InferenceQueueBacklog",
	"KVCacheNearlyFull",
}

// podRef is a pod the fake API serves and Prometheus must scrape.
type podRef struct {
	name, workload, component, container string
}

// stack is everything the test runs.
type stack struct {
	dir  string
	bins harness.Binaries
	ov   *harness.Overlay

	kube      *fakekube.Server
	inference []*testapps.Inference // one per inference pod slot
	training  *testapps.Training
	vllm      *testapps.VLLM
	triton    *testapps.Triton
	ksm       *testapps.KubeStateMetrics
	hook      *testapps.Webhook

	prom  *harness.Prometheus
	am    *harness.Alertmanager
	procs []*harness.Process

	mu       sync.Mutex
	expected map[string]podRef // pods that must be scraped, by name
	podPort  map[string]int    // pod name → metrics port
	podGen   int
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

// binaries builds Prometheus and promtool and finds Alertmanager; it fails
// (never skips) when one is missing.
func binaries(t *testing.T, root string) harness.Binaries {
	t.Helper()
	dir, err := harness.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	prom, promtool, err := harness.BuildPrometheus(ctx, root, dir, t.Logf)
	if err != nil {
		t.Fatalf("cannot build Prometheus from the module's github.com/prometheus/prometheus: %v", err)
	}
	am, err := harness.FindAlertmanager()
	if err != nil {
		t.Fatal(err)
	}
	return harness.Binaries{Prometheus: prom, Promtool: promtool, Alertmanager: am}
}

// compile runs `dataopsgen build testdata/spec -o OUT` and loads OUT.
func compile(t *testing.T, root, dir string) *harness.Overlay {
	t.Helper()
	out := os.Getenv("DATAOPSGEN_E2E_OVERLAY")
	if out != "" {
		// A hand-edited overlay: to check that the test catches a broken
		// expression or relabeling.
		t.Logf("DATAOPSGEN_E2E_OVERLAY: running %s instead of compiling testdata/spec", out)
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		defer cancel()
		bin := filepath.Join(dir, "dataopsgen")
		if err := harness.BuildCommand(ctx, root, "./cmd/dataopsgen", bin); err != nil {
			t.Fatalf("cannot build the compiler: %v", err)
		}
		out = filepath.Join(dir, "out")
		spec := filepath.Join(root, "e2e", "testdata", "spec")
		p, err := harness.StartProcess("dataopsgen-build", dir, bin, "build", spec, "-o", out)
		if err != nil {
			t.Fatal(err)
		}
		<-waitExit(p)
		if _, err := p.Exited(); err != nil {
			t.Fatalf("dataopsgen build %s -o %s: %v\n%s", spec, out, err, p.Tail(60))
		}
		t.Logf("dataopsgen build:\n%s", p.Tail(20))
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
	for _, p := range ov.RuleSelectionProblems(promRelease) {
		t.Errorf("compiler defect: %s", p)
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

// startStack starts the fake API, the apps, Alertmanager and Prometheus.
func startStack(t *testing.T, dir string, bins harness.Binaries, ov *harness.Overlay) *stack {
	t.Helper()
	s := &stack{dir: dir, bins: bins, ov: ov, expected: map[string]podRef{}, podPort: map[string]int{}}
	var err error

	// Fake Kubernetes API. Logging every request is noisy: keep them and
	// print them only on failure.
	s.kube, err = fakekube.Start(fakekube.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			reqs := s.kube.Requests()
			if len(reqs) > 30 {
				reqs = reqs[len(reqs)-30:]
			}
			t.Logf("fake Kubernetes API, last requests:\n  %s", strings.Join(reqs, "\n  "))
		}
		s.kube.Close()
	})

	// The apps.
	for range 2 {
		a, err := testapps.StartInference(testapps.InferenceOptions{Models: []string{model}, RequestsPerSecond: 50, Latency: 0.05})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		s.inference = append(s.inference, a)
	}
	s.training, err = testapps.StartTraining("training_loss")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.training.Close() })
	s.vllm, err = testapps.StartVLLM(testapps.VLLMOptions{Model: vllmModel, Engines: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.vllm.Close() })
	s.triton, err = testapps.StartTriton(testapps.TritonOptions{Models: []string{tritonModel}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.triton.Close() })
	// The stand-in kube-state-metrics runs with the allowlist the generated
	// values give the real one.
	allow := ov.KubeStateMetricsAllowlist()
	t.Logf("kube-state-metrics --metric-labels-allowlist=%q (from the generated values)", allow)
	s.ksm, err = testapps.StartKubeStateMetrics(allow)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.ksm.Close() })
	s.hook, err = testapps.StartWebhook()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.hook.Close() })

	s.addInferencePods()
	s.addTrainingPod()
	s.addServerPods()
	s.addDecoys(t)

	// Alertmanager.
	amVersion, raw, err := harness.Version(context.Background(), bins.Alertmanager)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("alertmanager %s: %s", bins.Alertmanager, strings.SplitN(raw, "\n", 2)[0])
	secrets := filepath.Join(dir, "secrets")
	if err := os.MkdirAll(filepath.Join(secrets, webhookSecret), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(secrets, webhookSecret, webhookSecretKey), []byte(s.hook.URL()+"/"+webhookReceiver+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	amCfg, notes, err := harness.AlertmanagerConfig(ov, harness.AlertmanagerParams{
		SecretsDir:     secrets,
		WebhookURLFile: harness.AtLeast(amVersion, 0, 26),
		GroupWait:      "1s",
		GroupInterval:  "1s",
	})
	if err != nil {
		t.Fatalf("alertmanager config from the generated values: %v", err)
	}
	for _, n := range notes {
		t.Logf("alertmanager config: %s", n)
	}
	amPath := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(amPath, amCfg, 0o644); err != nil {
		t.Fatal(err)
	}
	amPort := freePort(t)
	am := s.start(t, "alertmanager", bins.Alertmanager,
		"--config.file="+amPath,
		"--storage.path="+filepath.Join(dir, "alertmanager-data"),
		"--web.listen-address=127.0.0.1:"+strconv.Itoa(amPort),
		"--cluster.listen-address=",
		"--log.level=info",
	)
	s.am = &harness.Alertmanager{URL: fmt.Sprintf("http://127.0.0.1:%d", amPort)}
	s.waitReady(t, am, s.am.Ready)

	// Prometheus.
	rules, err := harness.WriteRuleFiles(ov, filepath.Join(dir, "rules"))
	if err != nil {
		t.Fatal(err)
	}
	promCfg, err := harness.PrometheusConfig(ov, harness.PrometheusParams{
		APIServer:          s.kube.URL(),
		Alertmanager:       fmt.Sprintf("127.0.0.1:%d", amPort),
		RuleFiles:          rules,
		ScrapeInterval:     "1s",
		EvaluationInterval: "1s",
		ExtraScrapeConfigs: []map[string]any{{
			"job_name":       ksmJob,
			"honor_labels":   true,
			"static_configs": []any{map[string]any{"targets": []any{s.ksm.Addr()}}},
		}},
	})
	if err != nil {
		t.Fatalf("prometheus.yml from the generated scrape configs: %v", err)
	}
	promPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(promPath, promCfg, 0o644); err != nil {
		t.Fatal(err)
	}
	// promtool first: a clear message if the generated config or rules are
	// rejected, before any waiting.
	check, err := harness.StartProcess("promtool-check-config", dir, bins.Promtool, "check", "config", promPath)
	if err != nil {
		t.Fatal(err)
	}
	<-waitExit(check)
	if _, err := check.Exited(); err != nil {
		t.Fatalf("promtool check config (generated scrape configs and rules): %v\n%s", err, check.Tail(80))
	}
	promPort := freePort(t)
	prom := s.start(t, "prometheus", bins.Prometheus,
		"--config.file="+promPath,
		"--storage.tsdb.path="+filepath.Join(dir, "prometheus-data"),
		"--storage.tsdb.retention.time=1h",
		"--web.listen-address=127.0.0.1:"+strconv.Itoa(promPort),
		"--log.level=info",
	)
	s.prom = &harness.Prometheus{URL: fmt.Sprintf("http://127.0.0.1:%d", promPort)}
	s.waitReady(t, prom, s.prom.Ready)
	return s
}

func freePort(t *testing.T) int {
	t.Helper()
	p, err := harness.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// start starts a process, stopped in cleanup; its log tail is printed when
// the test failed.
func (s *stack) start(t *testing.T, name, bin string, args ...string) *harness.Process {
	t.Helper()
	p, err := harness.StartProcess(name, s.dir, bin, args...)
	if err != nil {
		t.Fatal(err)
	}
	s.procs = append(s.procs, p)
	t.Cleanup(func() {
		p.Stop(10 * time.Second)
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

// ---- pods ----

func (s *stack) addInferencePods() {
	s.mu.Lock()
	s.podGen++
	gen := s.podGen
	s.mu.Unlock()
	for i, app := range s.inference {
		name := fmt.Sprintf("%s-%s-g%dp%d", inferenceName, replicaSetHash, gen, i)
		labels := map[string]string{
			componentLabel:                   "inference",
			"app.kubernetes.io/name":         inferenceName,
			"pod-template-hash":              replicaSetHash,
			"app.kubernetes.io/managed-by":   "e2e",
			"app.kubernetes.io/part-of":      "dataops",
			"app.kubernetes.io/instance":     inferenceName,
			"app.kubernetes.io/version":      "1.0.0",
			"example.com/some-unrelated-key": "x",
		}
		s.kube.AddPod(fakekube.Pod{
			Namespace: namespace, Name: name, Labels: labels,
			OwnerKind: "ReplicaSet", OwnerName: inferenceName + "-" + replicaSetHash,
			Containers: []fakekube.Container{
				{Name: "server", Ports: []fakekube.Port{{Name: "metrics", Port: app.Port()}, {Name: "grpc", Port: app.Port()}}},
				// A sidecar whose port is not the metrics port: never a target.
				{Name: "proxy", Ports: []fakekube.Port{{Name: "http", Port: app.Port()}}},
			},
		})
		s.ksm.SetPod(testapps.KSMPod{
			Namespace: namespace, Name: name, Labels: labels,
			OwnerKind: "ReplicaSet", OwnerName: inferenceName + "-" + replicaSetHash,
			Restarts: map[string]int{"server": 0, "proxy": 0},
		})
		s.mu.Lock()
		s.expected[name] = podRef{name: name, workload: inferenceName, component: "inference", container: "server"}
		s.podPort[name] = app.Port()
		s.mu.Unlock()
	}
	s.ksm.SetDeployment(testapps.KSMDeployment{
		Namespace: namespace, Name: inferenceName,
		Labels:   map[string]string{componentLabel: "inference"},
		Replicas: len(s.inference), Available: len(s.inference),
	})
}

// deleteInferencePod deletes one pod as Kubernetes would: gone from the API
// and from kube-state-metrics, one replica less available.
func (s *stack) deleteInferencePod(name string) {
	s.kube.DeletePod(namespace, name)
	s.ksm.DeletePod(namespace, name)
	s.mu.Lock()
	delete(s.expected, name)
	n := 0
	for _, p := range s.expected {
		if p.workload == inferenceName {
			n++
		}
	}
	s.mu.Unlock()
	s.ksm.SetDeploymentAvailable(namespace, inferenceName, n)
}

func (s *stack) inferencePods() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for name, p := range s.expected {
		if p.workload == inferenceName {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

const trainingPod = trainingJob + "-x7k2d"

func (s *stack) addTrainingPod() {
	labels := map[string]string{
		componentLabel:                   "training",
		"app.kubernetes.io/name":         trainingName,
		"batch.kubernetes.io/job-name":   trainingJob,
		"job-name":                       trainingJob,
		"batch.kubernetes.io/controller": "uid-job-" + trainingJob,
	}
	s.kube.AddPod(fakekube.Pod{
		Namespace: namespace, Name: trainingPod, Labels: labels,
		OwnerKind: "Job", OwnerName: trainingJob,
		Containers: []fakekube.Container{{Name: "trainer", Ports: []fakekube.Port{{Name: "metrics", Port: s.training.Port()}}}},
	})
	s.ksm.SetPod(testapps.KSMPod{
		Namespace: namespace, Name: trainingPod, Labels: labels,
		OwnerKind: "Job", OwnerName: trainingJob,
		Restarts: map[string]int{"trainer": 0},
	})
	s.ksm.SetJob(testapps.KSMJob{Namespace: namespace, Name: trainingJob, Labels: map[string]string{componentLabel: "training"}})
	s.mu.Lock()
	s.expected[trainingPod] = podRef{name: trainingPod, workload: trainingName, component: "training", container: "trainer"}
	s.podPort[trainingPod] = s.training.Port()
	s.mu.Unlock()
}

// addServerPods adds the pods of the vLLM and Triton stand-ins, each with
// its own component label and a metrics port named as the spec says.
func (s *stack) addServerPods() {
	for _, p := range []struct {
		name, component, container string
		port                       int
	}{
		{vllmName + "-0", "llm", "vllm", s.vllm.Port()},
		{tritonName + "-0", "vision", "triton", s.triton.Port()},
	} {
		workload, _, _ := strings.Cut(p.name, "-")
		s.kube.AddPod(fakekube.Pod{
			Namespace: namespace, Name: p.name,
			Labels:    map[string]string{componentLabel: p.component, "app.kubernetes.io/name": workload},
			OwnerKind: "StatefulSet", OwnerName: workload,
			Containers: []fakekube.Container{{Name: p.container, Ports: []fakekube.Port{{Name: "metrics", Port: p.port}}}},
		})
		s.mu.Lock()
		s.expected[p.name] = podRef{name: p.name, workload: workload, component: p.component, container: p.container}
		s.podPort[p.name] = p.port
		s.mu.Unlock()
	}
}

// addDecoys adds pods the generated scrape configs must NOT scrape: their
// metrics ports lead nowhere, so scraping one would show as a down target.
func (s *stack) addDecoys(t *testing.T) {
	dead := freePort(t)
	metrics := []fakekube.Container{{Name: "c", Ports: []fakekube.Port{{Name: "metrics", Port: dead}}}}
	// A finished pod of the training workload.
	s.kube.AddPod(fakekube.Pod{Namespace: namespace, Name: trainingJob + "-old-9zq4m", Phase: "Succeeded",
		Labels: map[string]string{componentLabel: "training"}, Containers: metrics})
	s.kube.AddPod(fakekube.Pod{Namespace: namespace, Name: trainingJob + "-oom-3jd8s", Phase: "Failed",
		Labels: map[string]string{componentLabel: "training"}, Containers: metrics})
	// A pending pod of the inference workload.
	s.kube.AddPod(fakekube.Pod{Namespace: namespace, Name: inferenceName + "-pending-5kq2w", Phase: "Pending",
		Labels: map[string]string{componentLabel: "inference"}, Containers: metrics})
	// A pod without the component label, in the workloads' namespace.
	s.kube.AddPod(fakekube.Pod{Namespace: namespace, Name: "notebook-0",
		Labels: map[string]string{"app.kubernetes.io/name": "notebook"}, Containers: metrics})
	// A pod of another component.
	s.kube.AddPod(fakekube.Pod{Namespace: namespace, Name: "feature-store-0",
		Labels: map[string]string{componentLabel: "database"}, Containers: metrics})
	// An inference pod in a namespace the spec does not watch.
	s.kube.AddPod(fakekube.Pod{Namespace: "other", Name: inferenceName + "-elsewhere",
		Labels: map[string]string{componentLabel: "inference"}, Containers: metrics})
}

func (s *stack) expectedPods() map[string]podRef {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.expected)
}

// ---- checks ----

// targetProblems compares Prometheus's active targets with the expected pods
// (plus kube-state-metrics): every one up, labelled, nothing else scraped.
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
		if l["job"] == ksmJob {
			ksmUp = tg.Health == "up"
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
		problems = append(problems, "kube-state-metrics target not up")
	}
	slices.Sort(problems)
	return problems, nil
}

// ruleProblems lists rules whose evaluation fails (e.g. many-to-many
// matching): promtool cannot see those.
func (s *stack) ruleProblems(ctx context.Context) ([]string, error) {
	rules, err := s.prom.Rules(ctx)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, r := range rules {
		if r.Health == "err" {
			problems = append(problems, fmt.Sprintf("rule %s (group %s) fails to evaluate: %s\n  expr: %s", r.Name, r.Group, r.LastError, r.Query))
		}
	}
	return problems, nil
}

// waitBaseline waits until every expected target is up and labelled and no
// alert is pending or firing, continuously for quiet. It returns when the
// quiet period began.
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
			problems = append(problems, fmt.Sprintf("alert %s is %s (labels %v)", a.Labels["alertname"], a.State, a.Labels))
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
