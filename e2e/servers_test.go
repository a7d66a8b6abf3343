package e2e

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dataopsgen/dataopsgen/e2e/testapps"
)

// The workloads on server presets (testdata/spec: chat on vLLM, vision on
// Triton) run stand-ins that export the servers' own metric families
// (e2e/testapps/vllm.go, triton.go): their scenarios show the presets'
// queries working on what the servers export.

// startServers starts the stand-ins, each on its own pod IP, and their
// pods: bare pods, each with its own component label (the inference
// workload's selector must not take them) and a metrics port named as the
// spec says (the stand-ins listen on free ports).
func (s *stack) startServers(t *testing.T) {
	t.Helper()
	var err error
	if s.vllm, err = testapps.StartVLLM(testapps.VLLMOptions{Model: vllmModel, Engines: 2, Host: s.ips.take()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.vllm.Close() })
	if s.triton, err = testapps.StartTriton(testapps.TritonOptions{Models: []string{tritonModel}, Host: s.ips.take()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.triton.Close() })
	for _, p := range []struct {
		name, workload, component, container, ip string
		port                                     int
	}{
		{vllmName + "-0", vllmName, "llm", "vllm", s.vllm.Host(), s.vllm.Port()},
		{tritonName + "-0", tritonName, "vision", "triton", s.triton.Host(), s.triton.Port()},
	} {
		s.runPod(t, corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: p.name, Labels: map[string]string{componentLabel: p.component, "app.kubernetes.io/name": p.workload}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{
				container(p.container, corev1.ContainerPort{Name: "metrics", ContainerPort: int32(p.port)}),
			}},
		}, corev1.PodRunning, p.ip)
		s.mu.Lock()
		s.expected[p.name] = podRef{name: p.name, workload: p.workload, component: p.component, container: p.container}
		s.mu.Unlock()
	}
}

// serverFaults: a vLLM time-to-first-token breach, vLLM's HTTP 5xx, Triton's
// average latency from its microsecond counters.
func (s *stack) serverFaults() []scenario {
	return []scenario{{
		alert:    "HighTimeToFirstToken",
		inject:   func(*testing.T) { s.vllm.SetLatencies(2, 0.02, 3) },
		repair:   func(*testing.T) { s.vllm.SetLatencies(0.05, 0.02, 1) },
		labels:   map[string]string{"severity": "critical", "team": vllmTeam, "workload": vllmName, "namespace": namespace, "model_name": vllmModel},
		mentions: []string{vllmModel, vllmName},
	}, {
		alert:  "InferenceErrorRateHigh",
		inject: func(*testing.T) { s.vllm.SetErrorRatio(0.5) },
		repair: func(*testing.T) { s.vllm.SetErrorRatio(0) },
		// vLLM's HTTP errors carry no model label.
		labels:   map[string]string{"severity": "critical", "team": vllmTeam, "workload": vllmName, "namespace": namespace},
		mentions: []string{vllmName, "HTTP 5xx"},
	}, {
		alert:    "HighInferenceLatency",
		inject:   func(*testing.T) { s.triton.SetLatency(1) },
		repair:   func(*testing.T) { s.triton.SetLatency(0.02) },
		labels:   map[string]string{"severity": "warning", "team": tritonTeam, "workload": tritonName, "namespace": namespace, "model": tritonModel},
		mentions: []string{tritonModel, "average latency", "nv_inference_request_duration_us"},
	}}
}
