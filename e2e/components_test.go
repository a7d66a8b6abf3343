package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The processes the harness runs in place of the chart's pods change only
// their listen addresses, TLS of the web endpoints (certificates a pod would
// mount) and how they reach the API server: a kubeconfig with their
// ServiceAccount's token (what the kubelet mounts in their pods). Every
// other flag is the chart's.
var (
	operatorDrop = []string{"web.cert-file", "web.key-file", "web.tls-min-version", "web.tls-cipher-suites", "web.client-ca-file"}
)

// startOperator runs the prometheus-operator with the args of the chart's
// Deployment.
func (s *stack) startOperator(t *testing.T) {
	t.Helper()
	dep := s.release.bySource(t, "Deployment", operatorDeploymentSource)
	c := firstContainer(t, &dep.Unstructured, "prometheus-operator")
	ip := s.ips.take()
	port := freePortOn(t, ip)
	kubeconfig := s.serviceAccountKubeconfig(t, &dep.Unstructured)
	args, notes, err := harness.ContainerArgs(c, s.podStandIn(dep.GetName()+"-0", ip), harness.ArgRewrite{
		Set:  map[string]string{"web.listen-address": fmt.Sprintf("%s:%d", ip, port), "web.enable-tls": "false"},
		Drop: operatorDrop,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("prometheus-operator: the chart's args, rewritten: %s", strings.Join(notes, "; "))
	p := s.start(t, "prometheus-operator", s.bins.operator, []string{"KUBECONFIG=" + kubeconfig}, args...)
	s.waitReady(t, p, func(ctx context.Context) bool {
		return harness.HTTPReady(ctx, fmt.Sprintf("http://%s:%d/healthz", ip, port))
	})
}

// waitOperator waits until the operator generated the Prometheus config
// with every scrape job of the overlay, rule files with every rule group of
// the overlay, and the Alertmanager config. Values whose rule selector or
// scrape Secret do not match the overlay fail the test here
// (TestBrokenValuesFail).
func (s *stack) waitOperator(t *testing.T) (*harness.PrometheusOutput, *harness.AlertmanagerOutput) {
	t.Helper()
	start := time.Now()
	prom, am, problems := s.operatorOutput(t, 90*time.Second)
	if len(problems) > 0 {
		t.Fatalf("the prometheus-operator did not generate what the overlay needs within 90s:\n  %s\n%s",
			strings.Join(problems, "\n  "), s.operatorDiagnosis(context.Background()))
	}
	t.Logf("the operator generated the Prometheus and Alertmanager configs in %.1fs", time.Since(start).Seconds())
	return prom, am
}

// operatorOutput polls the operator's output until it holds what the
// overlay needs, or timeout; it returns what is still missing.
func (s *stack) operatorOutput(t *testing.T, timeout time.Duration) (*harness.PrometheusOutput, *harness.AlertmanagerOutput, []string) {
	t.Helper()
	ctx := context.Background()
	ns := s.release.namespace
	promName, amName := s.release.prometheus.GetName(), s.release.alertmanager.GetName()
	start := time.Now()
	for {
		s.checkAlive(t)
		var problems []string
		prom, err := harness.ReadPrometheusOutput(ctx, s.kube, ns, promName)
		if err != nil {
			problems = append(problems, "Prometheus "+promName+": "+err.Error())
			problems = append(problems, s.notReconciled(ctx, "prometheuses", promName)...)
		} else {
			problems = append(problems, s.missingFromOperatorOutput(prom)...)
		}
		am, err := harness.ReadAlertmanagerOutput(ctx, s.kube, ns, amName)
		if err != nil {
			problems = append(problems, "Alertmanager "+amName+": "+err.Error())
		}
		if len(problems) == 0 || time.Since(start) > timeout {
			return prom, am, problems
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// notReconciled returns the operator's Reconciled=False condition of a
// Prometheus or Alertmanager object: why it generated nothing.
func (s *stack) notReconciled(ctx context.Context, resource, name string) []string {
	var obj struct {
		Status struct {
			Conditions []struct {
				Type, Status, Reason, Message string
			} `json:"conditions"`
		} `json:"status"`
	}
	r := harness.Resource{Group: "monitoring.coreos.com", Version: "v1", Name: resource, Namespaced: true}
	if err := s.kube.Get(ctx, r, s.release.namespace, name, &obj); err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, c := range obj.Status.Conditions {
		if c.Type == "Reconciled" && c.Status != "True" {
			out = append(out, fmt.Sprintf("%s %s not reconciled by the operator: %s: %s", resource, name, c.Reason, c.Message))
		}
	}
	return out
}

// missingFromOperatorOutput names the overlay's scrape jobs and rule groups
// the operator's output lacks.
func (s *stack) missingFromOperatorOutput(prom *harness.PrometheusOutput) []string {
	var problems []string
	jobs, err := prom.ScrapeJobs()
	if err != nil {
		return []string{err.Error()}
	}
	for _, j := range s.ourJobs {
		if !slices.Contains(jobs, j) {
			problems = append(problems, fmt.Sprintf("scrape job %s of the overlay's %s is not in the operator's config (does the Prometheus object's additionalScrapeConfigs name the overlay's Secret?)", j, harness.ScrapeConfigsFile))
		}
	}
	groups, err := prom.RuleGroups()
	if err != nil {
		return []string{err.Error()}
	}
	for _, g := range s.ourGroups() {
		if !slices.Contains(groups, g) {
			problems = append(problems, fmt.Sprintf("rule group %s of the overlay is not in the operator's rule files (does the Prometheus object's ruleSelector select the PrometheusRules' labels?)", g))
		}
	}
	return problems
}

// operatorDiagnosis shows what the operator was given and said.
func (s *stack) operatorDiagnosis(ctx context.Context) string {
	var b strings.Builder
	spec, _, _ := unstructured.NestedMap(s.release.prometheus.Object, "spec")
	fmt.Fprintf(&b, "Prometheus %s: ruleSelector %v, ruleNamespaceSelector %v, additionalScrapeConfigs %v\n",
		s.release.prometheus.GetName(), spec["ruleSelector"], spec["ruleNamespaceSelector"], spec["additionalScrapeConfigs"])
	for _, r := range s.ov.Rules {
		fmt.Fprintf(&b, "PrometheusRule %s/%s labels %v\n", r.Metadata.Namespace, r.Metadata.Name, r.Metadata.Labels)
	}
	var events corev1.EventList
	if err := s.kube.List(ctx, harness.Events, s.release.namespace, "", &events); err == nil {
		seen := map[string]bool{}
		for _, e := range events.Items {
			line := fmt.Sprintf("event %s %s/%s: %s\n", e.Reason, e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Message)
			if e.Type == corev1.EventTypeWarning && !seen[line] {
				seen[line] = true
				b.WriteString(line)
			}
		}
	}
	return b.String()
}

// startKubeStateMetrics runs kube-state-metrics with the args of the
// chart's Deployment (so the --metric-labels-allowlist the values give it)
// as the endpoints of its Service, which the chart's ServiceMonitor selects.
func (s *stack) startKubeStateMetrics(t *testing.T) {
	t.Helper()
	dep := s.release.bySource(t, "Deployment", ksmDeploymentSource)
	c := firstContainer(t, &dep.Unstructured, "kube-state-metrics")
	ip := s.ips.take()
	port, telemetry := freePortOn(t, ip), freePortOn(t, ip)
	for telemetry == port {
		telemetry = freePortOn(t, ip)
	}
	set := map[string]string{
		"host": ip, "port": itoa(port),
		"telemetry-host": ip, "telemetry-port": itoa(telemetry),
		"kubeconfig": s.serviceAccountKubeconfig(t, &dep.Unstructured),
	}
	// The training controllers' custom-resource-state config: the file of
	// the ConfigMap the chart mounts (controllers_test.go).
	if f := s.customResourceStateFile(t, c); f != "" {
		set[customResourceStateFlag] = f
	}
	args, notes, err := harness.ContainerArgs(c, s.podStandIn(dep.GetName()+"-0", ip), harness.ArgRewrite{Set: set})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range args {
		if strings.HasPrefix(a, "--metric-labels-allowlist=") {
			t.Logf("kube-state-metrics %s (from the generated values, as the chart passes it)", a)
		}
	}
	t.Logf("kube-state-metrics: the chart's args, rewritten: %s", strings.Join(notes, "; "))
	p := s.start(t, "kube-state-metrics", s.bins.ksm, nil, args...)
	s.waitReady(t, p, func(ctx context.Context) bool {
		return harness.HTTPReady(ctx, fmt.Sprintf("http://%s:%d/healthz", ip, port))
	})

	svc := s.release.bySource(t, "Service", ksmServiceSource)
	s.serveService(t, svc.GetName(), ip, map[string]int{"http": port, "metrics": telemetry})
	sm := s.release.bySource(t, "ServiceMonitor", ksmServiceMonitorSource)
	s.ksmPool = fmt.Sprintf("serviceMonitor/%s/%s/0", s.release.namespace, sm.GetName())
}

// startAlertmanager runs Alertmanager (built from the product's module) on
// the config the operator generated from the chart's Secret, as the
// endpoints of the Service the Prometheus object's alerting section names.
func (s *stack) startAlertmanager(t *testing.T, out *harness.AlertmanagerOutput) {
	t.Helper()
	ctx := context.Background()
	ip := s.ips.take()
	port := freePortOn(t, ip)
	pod := s.podStandIn("alertmanager-"+out.Name+"-0", ip)
	cfg, notes, err := out.RuntimeConfig(ctx, s.kube, pod, filepath.Join(s.dir, "alertmanager-pod"))
	if err != nil {
		t.Fatalf("Alertmanager config the operator generated: %v", err)
	}
	for _, n := range notes {
		t.Logf("alertmanager config rewrite: %s", n)
	}
	path := writeFile(t, filepath.Join(s.dir, "alertmanager.yml"), string(cfg))
	c, err := harness.StatefulSetContainer(out.StatefulSet, "alertmanager")
	if err != nil {
		t.Fatal(err)
	}
	args, argNotes, err := harness.ContainerArgs(c, pod, harness.ArgRewrite{
		Set: map[string]string{
			"config.file":        path,
			"storage.path":       filepath.Join(s.dir, "alertmanager-data"),
			"web.listen-address": fmt.Sprintf("%s:%d", ip, port),
			// One replica: no gossip (peers are pod DNS names).
			"cluster.listen-address": "",
		},
		Drop: []string{"web.config.file", "cluster.peer", "cluster.advertise-address", "cluster.label", "cluster.reconnect-timeout"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("alertmanager: the operator's StatefulSet args, rewritten: %s", strings.Join(argNotes, "; "))
	am := s.start(t, "alertmanager", s.bins.alertmanager, nil, args...)
	s.am = &harness.Alertmanager{URL: fmt.Sprintf("http://%s:%d", ip, port)}
	s.waitReady(t, am, s.am.Ready)

	ams, _, _ := unstructured.NestedSlice(s.release.prometheus.Object, "spec", "alerting", "alertmanagers")
	if len(ams) == 0 {
		t.Fatalf("Prometheus %s sends alerts to no Alertmanager (spec.alerting.alertmanagers)", s.release.prometheus.GetName())
	}
	for _, a := range ams {
		m, _ := a.(map[string]any)
		name, _ := m["name"].(string)
		portName, _ := m["port"].(string)
		if ns, _ := m["namespace"].(string); ns != "" && ns != s.release.namespace {
			t.Fatalf("Prometheus %s sends alerts to Alertmanager %s/%s, not in the release's namespace", s.release.prometheus.GetName(), ns, name)
		}
		s.serveService(t, name, ip, map[string]int{portName: port})
	}
}

// serveService records that the process at ip serves the named ports of
// the release's Service name: the endpoints Prometheus's discovery of it
// yields (harness.ServiceEndpoints).
func (s *stack) serveService(t *testing.T, name, ip string, ports map[string]int) {
	t.Helper()
	var svc corev1.Service
	if err := s.kube.Get(context.Background(), harness.Services, s.release.namespace, name, &svc); err != nil {
		t.Fatalf("Service %s: %v", name, err)
	}
	served := map[string]int{}
	for _, p := range svc.Spec.Ports {
		if port, ok := ports[p.Name]; ok {
			served[p.Name] = port
		}
	}
	if len(served) == 0 {
		t.Fatalf("Service %s/%s has none of the ports %v", svc.Namespace, name, ports)
	}
	s.endpoints = append(s.endpoints, harness.ServiceEndpoints{Service: svc, IP: ip, Ports: served})
}

// startPrometheus runs Prometheus on the config and rule files the operator
// generated (harness.PrometheusOutput.RuntimeConfig lists what it rewrites),
// after promtool check config.
func (s *stack) startPrometheus(t *testing.T, out *harness.PrometheusOutput) {
	t.Helper()
	ip := s.ips.take()
	port := freePortOn(t, ip)
	podDir := filepath.Join(s.dir, "prometheus-pod")
	pod := s.podStandIn("prometheus-"+out.Name+"-0", ip)
	pod.Kubeconfig = s.serviceAccountKubeconfig(t, &s.release.prometheus.Unstructured)
	pod.ServiceAccountDir = filepath.Join(podDir, "serviceaccount")
	token := strings.TrimSpace(kubeconfigToken(t, pod.Kubeconfig))
	ca, err := os.ReadFile(s.cluster.ServingCert)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(pod.ServiceAccountDir, "token"), token)
	writeFile(t, filepath.Join(pod.ServiceAccountDir, "ca.crt"), string(ca))
	writeFile(t, filepath.Join(pod.ServiceAccountDir, "namespace"), s.release.namespace)
	rulesDir := filepath.Join(podDir, "rules")
	if err := out.WriteRuleFiles(rulesDir); err != nil {
		t.Fatal(err)
	}
	cfg, notes, err := out.RuntimeConfig(pod, rulesDir, s.endpoints)
	if err != nil {
		t.Fatalf("Prometheus config the operator generated: %v", err)
	}
	for _, n := range notes {
		t.Logf("prometheus config rewrite: %s", n)
	}
	path := writeFile(t, filepath.Join(s.dir, "prometheus.yml"), string(cfg))
	// promtool first: a clear message if the config or a rule file is
	// rejected, before any waiting.
	check, err := harness.StartProcess("promtool-check-config", s.dir, s.bins.promtool, "check", "config", path)
	if err != nil {
		t.Fatal(err)
	}
	<-waitExit(check)
	if _, err := check.Exited(); err != nil {
		t.Fatalf("promtool check config (the operator's config and rule files): %v\n%s", err, check.Tail(80))
	}
	c, err := harness.StatefulSetContainer(out.StatefulSet, "prometheus")
	if err != nil {
		t.Fatal(err)
	}
	args, argNotes, err := harness.ContainerArgs(c, pod, harness.ArgRewrite{
		Set: map[string]string{
			"config.file":        path,
			"storage.tsdb.path":  filepath.Join(s.dir, "prometheus-data"),
			"web.listen-address": fmt.Sprintf("%s:%d", ip, port),
		},
		// TLS settings of the web endpoint, from a Secret the pod mounts.
		Drop: []string{"web.config.file"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("prometheus: the operator's StatefulSet args, rewritten: %s", strings.Join(argNotes, "; "))
	prom := s.start(t, "prometheus", s.bins.prometheus, nil, args...)
	s.prom = &harness.Prometheus{URL: fmt.Sprintf("http://%s:%d", ip, port)}
	s.waitReady(t, prom, s.prom.Ready)
}

// podStandIn describes the pod a process stands for.
func (s *stack) podStandIn(name, ip string) harness.PodStandIn {
	return harness.PodStandIn{Name: name, Namespace: s.release.namespace, NodeName: nodeName, IP: ip}
}

// serviceAccountKubeconfig is a kubeconfig with a token of the pod
// template's (or Prometheus object's) ServiceAccount.
func (s *stack) serviceAccountKubeconfig(t *testing.T, obj *unstructured.Unstructured) string {
	t.Helper()
	sa, _, _ := unstructured.NestedString(obj.Object, "spec", "template", "spec", "serviceAccountName")
	if obj.GetKind() == "Prometheus" {
		sa, _, _ = unstructured.NestedString(obj.Object, "spec", "serviceAccountName")
	}
	if sa == "" {
		t.Fatalf("%s %s names no ServiceAccount", obj.GetKind(), obj.GetName())
	}
	path, _, err := s.cluster.Kubeconfig(context.Background(), s.release.namespace, sa)
	if err != nil {
		t.Fatalf("token of ServiceAccount %s/%s (%s %s): %v", s.release.namespace, sa, obj.GetKind(), obj.GetName(), err)
	}
	return path
}

func kubeconfigToken(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "token: "); ok {
			return v
		}
	}
	t.Fatalf("%s: no token", path)
	return ""
}

func firstContainer(t *testing.T, dep *unstructured.Unstructured, want string) corev1.Container {
	t.Helper()
	cs, _, _ := unstructured.NestedSlice(dep.Object, "spec", "template", "spec", "containers")
	if len(cs) == 0 {
		t.Fatalf("Deployment %s has no container", dep.GetName())
	}
	name, _ := cs[0].(map[string]any)["name"].(string)
	c, err := harness.DeploymentContainer(dep, name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Image, want) {
		t.Fatalf("Deployment %s: first container %s runs %s, not %s", dep.GetName(), c.Name, c.Image, want)
	}
	return c
}
