package e2e

import (
	"cmp"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"github.com/dataopsgen/dataopsgen/e2e/testapps"
)

// Timeouts of one scenario step. With 1s scrape and evaluation, `for` of
// 3-5s, 10s windows and 1s group_wait, every alert arrives within ~15s and
// resolves within ~15s.
const (
	fireTimeout     = 60 * time.Second
	resolveTimeout  = 60 * time.Second
	baselineTimeout = 90 * time.Second
	// quiet is how long a baseline must hold before a fault is injected: more
	// than any `for` of the spec, so that a pending alert would show.
	quiet = 6 * time.Second
)

// TestEndToEnd compiles testdata/spec, runs the real stack on the output and
// proves every alert: silent while healthy, delivered when its failure is
// injected, resolved when it is repaired.
func TestEndToEnd(t *testing.T) {
	t0 := time.Now()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bins := buildBinaries(t, root)
	tBins := time.Since(t0)

	t1 := time.Now()
	dir := workDir(t)
	ov := compile(t, root, dir)
	s := startStack(t, root, dir, bins, ov)
	tStart := time.Since(t1)

	var timings []string
	run := func(name string, f func(t *testing.T)) bool {
		st := time.Now()
		ok := t.Run(name, f)
		if d := time.Since(st); d > 10*time.Millisecond { // not filtered out by -run
			timings = append(timings, fmt.Sprintf("%-26s %6.1fs", name, d.Seconds()))
		}
		return ok
	}
	defer func() {
		t.Logf("timings: binaries %.1fs; compile + stack start %.1fs; scenarios:\n  %s\n  total after binaries: %.1fs",
			tBins.Seconds(), tStart.Seconds(), strings.Join(timings, "\n  "), time.Since(t1).Seconds())
	}()

	// The emitted rule tests pass under a real promtool (built from the same
	// Prometheus module), for this spec and for the committed examples'
	// outputs (out/, examples/slos/out, examples/llm-serving/out).
	run("PromtoolTestRules", func(t *testing.T) {
		for _, d := range []string{ov.Dir, filepath.Join(root, "out"), filepath.Join(root, "examples", "slos", "out"), filepath.Join(root, "examples", "llm-serving", "out")} {
			promtoolTestRules(t, bins.promtool, d)
		}
	})
	if !run("Healthy", s.healthy) {
		t.Fatal("the healthy baseline failed: the fault scenarios cannot be trusted")
	}
	run("InferenceServiceDown", s.serviceDown)
	for _, sc := range s.faults() {
		run(cmp.Or(sc.name, sc.alert), func(t *testing.T) { s.scenario(t, sc) })
	}
	run("SLOBurnRate", s.sloBurn)
	run("SLOTimeToFirstToken", s.sloTTFT)
	if errs := s.hook.Errors(); len(errs) > 0 {
		t.Errorf("webhook got undecodable requests: %v", errs)
	}
}

// faults are the scenarios of one fault each: to add one, add an entry
// (and, for a new alert, the spec's workload in testdata/spec and its name
// to wantAlerts). inject and repair act on the test apps (metrics) or on
// the API server's objects (pods, Jobs), as the failure would.
func (s *stack) faults() []scenario {
	return append([]scenario{{
		alert: "HighInferenceLatency",
		inject: func(*testing.T) {
			for _, a := range s.inference {
				a.SetLatency(2)
			}
		},
		repair: func(*testing.T) {
			for _, a := range s.inference {
				a.SetLatency(0.05)
			}
		},
		labels:   map[string]string{"severity": "warning", "team": inferenceTeam, "workload": inferenceName, "namespace": namespace, "model_name": model},
		mentions: []string{model, inferenceName},
	}, {
		alert: "InferenceErrorRateHigh",
		inject: func(*testing.T) {
			for _, a := range s.inference {
				a.SetErrorRatio(0.5)
			}
		},
		repair: func(*testing.T) {
			for _, a := range s.inference {
				a.SetErrorRatio(0)
			}
		},
		labels:   map[string]string{"severity": "critical", "team": inferenceTeam, "workload": inferenceName, "namespace": namespace, "model_name": model},
		mentions: []string{model, inferenceName},
	}, {
		alert:    "TrainingPodCrashLooping",
		inject:   func(t *testing.T) { s.addRestart(t, trainingPod, "trainer") },
		repair:   func(*testing.T) {}, // the restart leaves the window
		labels:   map[string]string{"severity": "critical", "team": trainingTeam, "workload": trainingName, "namespace": namespace, "pod": trainingPod},
		mentions: []string{trainingPod, trainingName},
	}, {
		alert:    "TrainingJobFailed",
		inject:   s.failJob,
		repair:   s.replaceJob, // the Job is deleted and created again
		labels:   map[string]string{"severity": "critical", "team": trainingTeam, "workload": trainingName, "namespace": namespace, "job_name": trainingJob},
		mentions: []string{trainingJob},
	}, {
		alert:    "TrainingProgressStalled",
		inject:   func(*testing.T) { s.training.Stall(true) },
		repair:   func(*testing.T) { s.training.Stall(false) },
		labels:   map[string]string{"severity": "warning", "team": trainingTeam, "workload": trainingName, "namespace": namespace, "pod": trainingPod},
		mentions: []string{trainingPod, trainingName},
	}}, append(s.serverFaults(), s.controllerFaults()...)...)
}

// healthy: every pod discovered and scraped with its labels, nothing else
// scraped, every rule evaluating without error, no alert at all.
func (s *stack) healthy(t *testing.T) {
	ctx := context.Background()
	start := time.Now()
	quietSince := s.waitBaseline(t, 10*time.Second, baselineTimeout)
	t.Logf("targets up and no alert for 10s, %.1fs after Prometheus started", time.Since(start).Seconds())

	problems, err := s.targetProblems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	active, dropped, err := s.prom.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range active {
		if slices.Contains(s.ourJobs, tg.ScrapePool) {
			t.Logf("target %s %v", tg.ScrapeURL, tg.Labels)
		}
	}
	// The decoys were discovered and dropped by the generated relabeling
	// (those of other namespaces are not even discovered).
	var droppedPods []string
	for _, d := range dropped {
		droppedPods = append(droppedPods, d.DiscoveredLabels["__meta_kubernetes_pod_name"])
	}
	for _, p := range []string{trainingJob + "-old-9zq4m", trainingJob + "-oom-3jd8s", inferenceName + "-pending-5kq2w"} {
		if !slices.Contains(droppedPods, p) {
			t.Errorf("finished/pending pod %s is not among the dropped targets %v", p, droppedPods)
		}
	}
	problems, err = s.ruleProblems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	// The seed's bug: alerts filter on labels the targets never had.
	for q, want := range map[string]int{
		fmt.Sprintf(`up{namespace=%q, workload=%q, app_kubernetes_io_component="inference"} == 1`, namespace, inferenceName): len(s.inference),
		fmt.Sprintf(`up{namespace=%q, workload=%q, app_kubernetes_io_component="training"} == 1`, namespace, trainingName):   1,
	} {
		res, err := s.prom.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != want {
			t.Errorf("%s: %d series, want %d", q, len(res), want)
		}
	}
	rules, err := s.prom.Rules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var loaded []string
	for _, r := range rules {
		if r.Type == "alerting" {
			loaded = append(loaded, r.Name)
		}
	}
	for _, a := range wantAlerts {
		if !slices.Contains(loaded, a) {
			t.Errorf("alert %s not loaded by Prometheus (loaded: %v)", a, loaded)
		}
	}
	// Alerts of the start-up (absent() before the first scrape) are
	// tolerated; none may be delivered once the baseline is quiet (allowing
	// for group_wait and an evaluation in flight).
	for _, n := range s.hook.Since(quietSince.Add(3 * time.Second)) {
		for _, a := range n.Alerts {
			if a.Status == "firing" {
				t.Errorf("alert %s delivered while healthy: %v", a.Labels["alertname"], a.Labels)
			}
		}
	}
	for _, n := range s.hook.Since(start) {
		for _, a := range n.Alerts {
			t.Logf("start-up notification: %s %s %v", a.Status, a.Labels["alertname"], a.Labels)
		}
	}
}

// serviceDown: one replica gone is no outage; every pod gone is.
func (s *stack) serviceDown(t *testing.T) {
	s.waitBaseline(t, quiet, baselineTimeout)
	ctx := context.Background()
	pods := s.inferencePods()
	if len(pods) < 2 {
		t.Fatalf("want 2 inference pods, have %v", pods)
	}

	// One replica deleted: the service is still up.
	s.deleteInferencePod(t, pods[0])
	start := time.Now()
	s.waitTargets(t, 30*time.Second)
	hold := time.Now().Add(8 * time.Second)
	for time.Now().Before(hold) {
		alerts, err := s.prom.Alerts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range alerts {
			if slices.Contains(s.ourAlerts, a.Labels["alertname"]) {
				t.Errorf("with one of two replicas up, alert %s is %s (%v)", a.Labels["alertname"], a.State, a.Labels)
			}
		}
		if t.Failed() {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("one replica deleted: no alert for %.1fs", time.Since(start).Seconds())

	s.scenario(t, scenario{
		alert:    "InferenceServiceDown",
		inject:   func(t *testing.T) { s.deleteInferencePod(t, pods[1]) },
		repair:   s.addInferencePods, // the ReplicaSet creates new pods
		labels:   map[string]string{"severity": "critical", "team": inferenceTeam, "workload": inferenceName, "namespace": namespace},
		mentions: []string{inferenceName},
		noWait:   true,
	})
}

// waitTargets waits until the active targets are exactly the expected pods.
func (s *stack) waitTargets(t *testing.T, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last []string
	for time.Now().Before(deadline) {
		problems, err := s.targetProblems(context.Background())
		if err == nil && len(problems) == 0 {
			return
		}
		last = problems
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("targets do not match the pods after %s: %v", timeout, last)
}

type scenario struct {
	// name of the subtest (default: alert).
	name           string
	alert          string
	inject, repair func(t *testing.T)
	// labels the delivered alert must carry (besides alertname).
	labels map[string]string
	// mentions must appear in the expanded summary or description.
	mentions []string
	// noWait: the caller already waited for the baseline.
	noWait bool
}

// scenario waits for a quiet baseline, injects the fault, waits for the alert
// at the webhook and checks it, repairs, and waits for its resolution.
func (s *stack) scenario(t *testing.T, sc scenario) {
	if !sc.noWait {
		s.waitBaseline(t, quiet, baselineTimeout)
	}
	ctx := context.Background()
	start := time.Now()
	sc.inject(t)
	fctx, cancel := context.WithTimeout(ctx, fireTimeout)
	n, a, err := s.hook.WaitAlert(fctx, start, func(n testapps.Notification, a testapps.Alert) bool {
		return a.Status == "firing" && a.Labels["alertname"] == sc.alert
	})
	cancel()
	if err != nil {
		s.explain(t, sc.alert)
		sc.repair(t)
		t.Fatalf("%s did not reach the webhook within %s of the fault", sc.alert, fireTimeout)
	}
	fired := time.Since(start)
	t.Logf("%s delivered %.1fs after the fault: labels %v", sc.alert, fired.Seconds(), a.Labels)
	for k, v := range a.Annotations {
		t.Logf("  %s: %s", k, v)
	}
	checkDelivered(t, n, a, sc)

	repairStart := time.Now()
	sc.repair(t)
	rctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	_, _, err = s.hook.WaitAlert(rctx, repairStart, func(_ testapps.Notification, r testapps.Alert) bool {
		return r.Status == "resolved" && r.Fingerprint == a.Fingerprint
	})
	cancel()
	if err != nil {
		t.Errorf("%s not resolved at the webhook within %s of the repair", sc.alert, resolveTimeout)
	} else {
		t.Logf("%s resolved %.1fs after the repair", sc.alert, time.Since(repairStart).Seconds())
	}
	// Only the injected failure alerted.
	for _, n := range s.hook.Since(start) {
		for _, x := range n.Alerts {
			// An error fault burns the SLO's budget as well: its alerts
			// are SLOBurnRate's to check.
			if x.Status == "firing" && x.Labels["alertname"] != sc.alert && !strings.HasPrefix(x.Labels["alertname"], sloAlertPfx) {
				t.Errorf("%s fault also delivered %s: %v", sc.alert, x.Labels["alertname"], x.Labels)
			}
		}
	}
	problems, err := s.ruleProblems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// checkDelivered checks a delivered alert: routed to the webhook receiver,
// the labels every alert carries and the scenario's, annotations expanded.
func checkDelivered(t *testing.T, n testapps.Notification, a testapps.Alert, sc scenario) {
	t.Helper()
	if n.Receiver != webhookReceiver {
		t.Errorf("delivered by receiver %q, want %q", n.Receiver, webhookReceiver)
	}
	for _, k := range []string{"severity", "team", "workload", "namespace"} {
		if a.Labels[k] == "" {
			t.Errorf("alert %s lacks label %s: %v", sc.alert, k, a.Labels)
		}
	}
	for k, v := range sc.labels {
		if a.Labels[k] != v {
			t.Errorf("alert %s: label %s=%q, want %q (labels %v)", sc.alert, k, a.Labels[k], v, a.Labels)
		}
	}
	for _, k := range []string{"summary", "description"} {
		if strings.TrimSpace(a.Annotations[k]) == "" {
			t.Errorf("alert %s: no %s annotation", sc.alert, k)
		}
	}
	for k, v := range a.Annotations {
		for _, bad := range []string{"$labels", "{{", "}}", "<no value>", "%!", "$value"} {
			if strings.Contains(v, bad) {
				t.Errorf("alert %s: annotation %s not expanded (%q): %q", sc.alert, k, bad, v)
			}
		}
	}
	text := a.Annotations["summary"] + "\n" + a.Annotations["description"]
	for _, m := range sc.mentions {
		if !strings.Contains(text, m) {
			t.Errorf("alert %s: summary/description do not mention %q:\n%s", sc.alert, m, text)
		}
	}
}

// explain logs what Prometheus and Alertmanager hold, after a missed alert.
func (s *stack) explain(t *testing.T, alert string) {
	ctx := context.Background()
	if rules, err := s.prom.Rules(ctx); err == nil {
		for _, r := range rules {
			if r.Name == alert {
				t.Logf("rule %s: state %s, health %s %s\n  expr: %s", r.Name, r.State, r.Health, r.LastError, r.Query)
				if res, err := s.prom.Query(ctx, r.Query); err == nil {
					t.Logf("  expr now returns %d series: %v", len(res), res)
				}
			}
		}
	}
	if alerts, err := s.prom.Alerts(ctx); err == nil {
		t.Logf("Prometheus alerts: %v", alerts)
	}
	if alerts, err := s.am.Alerts(ctx); err == nil {
		t.Logf("Alertmanager alerts: %+v", alerts)
	}
	var got []string
	for _, n := range s.hook.Notifications() {
		for _, a := range n.Alerts {
			got = append(got, a.Status+" "+a.Labels["alertname"])
		}
	}
	t.Logf("webhook got: %v", got)
}

// promtoolTestRules runs `promtool test rules tests/*.test.yaml` in an
// overlay directory, as a user would, and requires it to pass.
func promtoolTestRules(t *testing.T, promtool, dir string) {
	t.Helper()
	tests, err := filepath.Glob(filepath.Join(dir, "tests", "*.test.yaml"))
	if err != nil || len(tests) == 0 {
		t.Fatalf("%s: no tests/*.test.yaml emitted (%v)", dir, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, promtool, append([]string{"test", "rules"}, tests...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules in %s: %v\n%s", dir, err, out)
	}
	t.Logf("promtool test rules: %d files in %s passed", len(tests), dir)
}
