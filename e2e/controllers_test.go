package e2e

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"github.com/dataopsgen/dataopsgen/internal/controllers"
)

// The training workload run by a Kubeflow PyTorchJob (testdata/spec).
const (
	finetuneName      = "finetune"
	finetuneComponent = "finetune"
	finetuneJob       = "finetune-run-1"
	// customResourceStateFlag is kube-state-metrics' flag for the
	// custom-resource-state config file (the kube-state-metrics chart's
	// templates/deployment.yaml passes it when customResourceState.enabled).
	customResourceStateFlag = "custom-resource-state-config-file"
)

// pytorchJob is the PyTorchJob object of the controllers' data.
var pytorchJob = controllers.PyTorchJob.Object

// pytorchJobs is the PyTorchJob collection.
var pytorchJobs = harness.Resource{Group: pytorchJob.Group, Version: pytorchJob.Version, Name: pytorchJob.Resource, Namespaced: true}

// startControllers installs what the training controllers of the spec need
// in the API server — the PyTorchJob CRD, as the Training Operator installs
// it (the test needs its names and a status subresource; the schema keeps
// any field) — and a PyTorchJob run going well, as the operator writes its
// status (conditions Created and Running: common_types.go of
// kubeflow/training-operator v1.9.0). kube-state-metrics, started next,
// finds the CRD and lists the run with the chart's RBAC.
func (s *stack) startControllers(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	crd := map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": pytorchJob.Resource + "." + pytorchJob.Group},
		"spec": map[string]any{
			"group": pytorchJob.Group,
			"scope": "Namespaced",
			"names": map[string]any{
				"plural": pytorchJob.Resource, "singular": strings.ToLower(pytorchJob.Kind),
				"kind": pytorchJob.Kind, "listKind": pytorchJob.Kind + "List",
			},
			"versions": []any{map[string]any{
				"name": pytorchJob.Version, "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object", "x-kubernetes-preserve-unknown-fields": true,
				}},
				"subresources": map[string]any{"status": map[string]any{}},
			}},
		},
	}
	data, err := yaml.Marshal(crd)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.cluster.kubectl.Run(ctx, data, "apply", "--server-side", "--field-manager=e2e", "-f", "-"); err != nil {
		t.Fatalf("PyTorchJob CRD: %v", err)
	}
	if _, err := s.cluster.kubectl.Run(ctx, nil, "wait", "--for=condition=Established", "crd/"+pytorchJob.Resource+"."+pytorchJob.Group, "--timeout=60s"); err != nil {
		t.Fatalf("PyTorchJob CRD: %v", err)
	}
	s.createPyTorchJob(t)
}

// createPyTorchJob creates the fine-tuning run, running.
func (s *stack) createPyTorchJob(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	// The API may take a moment to serve a new CRD's resource.
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.kube.Create(ctx, pytorchJobs, namespace, map[string]any{
			"apiVersion": pytorchJob.APIVersion(), "kind": pytorchJob.Kind,
			"metadata": map[string]any{"name": finetuneJob, "labels": map[string]string{componentLabel: finetuneComponent}},
			"spec": map[string]any{"pytorchReplicaSpecs": map[string]any{"Master": map[string]any{
				"replicas": 1, "restartPolicy": "OnFailure",
				"template": podTemplate(map[string]string{componentLabel: finetuneComponent}, "pytorch"),
			}}},
		}, nil)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("PyTorchJob %s: %v", finetuneJob, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	s.setPyTorchJobConditions(t, map[string]string{"Created": "True", "Running": "True"})
}

// setPyTorchJobConditions sets the run's status conditions (type → status).
func (s *stack) setPyTorchJobConditions(t *testing.T, conds map[string]string) {
	t.Helper()
	now := metav1.Now().UTC().Format(time.RFC3339)
	var list []any
	for _, typ := range []string{"Created", "Running", "Failed"} {
		if st, ok := conds[typ]; ok {
			list = append(list, map[string]any{"type": typ, "status": st, "reason": "PyTorchJob" + typ,
				"lastUpdateTime": now, "lastTransitionTime": now})
		}
	}
	if err := s.kube.PatchStatus(context.Background(), pytorchJobs, namespace, finetuneJob, map[string]any{"status": map[string]any{"conditions": list}}); err != nil {
		t.Fatalf("PyTorchJob %s status: %v", finetuneJob, err)
	}
}

// replacePyTorchJob deletes the failed run and creates it again, as a user
// re-runs a training (kube-state-metrics drops the failed run's series).
func (s *stack) replacePyTorchJob(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if err := s.kube.Delete(ctx, pytorchJobs, namespace, finetuneJob, -1); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var u unstructured.Unstructured
		err := s.kube.Get(ctx, pytorchJobs, namespace, finetuneJob, &u.Object)
		if harness.IsNotFound(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("PyTorchJob %s not gone 30s after its deletion: %v", finetuneJob, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.createPyTorchJob(t)
}

// controllerFaults are the scenarios of the training controllers' alerts:
// a Job's pod retried, a pod stuck Pending, a PyTorchJob failed — each read
// by the real kube-state-metrics from the objects the test writes.
func (s *stack) controllerFaults() []scenario {
	pending := trainingName + "-r2-7xk4p"
	return []scenario{{
		alert: "TrainingJobRetried",
		// The Job controller replaced a failed pod: status.failed counts it
		// (no Failed condition: the Job goes on).
		inject: func(t *testing.T) {
			if err := s.kube.PatchStatus(context.Background(), harness.Jobs, namespace, trainingJob, map[string]any{"status": map[string]any{"failed": 1}}); err != nil {
				t.Fatalf("Job %s retried: %v", trainingJob, err)
			}
		},
		repair:   func(*testing.T) {}, // the retry leaves the window
		labels:   map[string]string{"severity": "warning", "team": trainingTeam, "workload": trainingName, "namespace": namespace, "job_name": trainingJob},
		mentions: []string{trainingJob, trainingName},
	}, {
		alert: "TrainingPodPending",
		// A pod of the trainer that no node takes.
		inject: func(t *testing.T) {
			s.runPod(t, corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: pending, Labels: map[string]string{componentLabel: "training", "app.kubernetes.io/name": trainingName}},
				Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{
					container("trainer", corev1.ContainerPort{Name: "metrics", ContainerPort: 9090}),
				}},
			}, corev1.PodPending, s.ips.take())
		},
		repair: func(t *testing.T) {
			if err := s.kube.Delete(context.Background(), harness.Pods, namespace, pending, 0); err != nil {
				t.Fatal(err)
			}
		},
		labels:   map[string]string{"severity": "warning", "team": trainingTeam, "workload": trainingName, "namespace": namespace, "pod": pending},
		mentions: []string{pending, trainingName},
	}, {
		name:  "TrainingJobFailed (PyTorchJob)",
		alert: "TrainingJobFailed",
		// The Training Operator's status of a run past its backoff limit.
		inject: func(t *testing.T) {
			s.setPyTorchJobConditions(t, map[string]string{"Created": "True", "Running": "False", "Failed": "True"})
		},
		repair:   s.replacePyTorchJob,
		labels:   map[string]string{"severity": "critical", "team": trainingTeam, "workload": finetuneName, "namespace": namespace, "pytorchjob": finetuneJob},
		mentions: []string{finetuneJob, "PyTorchJob"},
	}}
}

// customResourceStateFile is, when the chart passes kube-state-metrics a
// custom-resource-state config file, a copy of it under the test's dir:
// the key of the ConfigMap the Deployment mounts at the file's directory.
func (s *stack) customResourceStateFile(t *testing.T, c corev1.Container) string {
	t.Helper()
	var file string
	for _, a := range c.Args {
		if v, ok := strings.CutPrefix(a, "--"+customResourceStateFlag+"="); ok {
			file = v
		}
	}
	if file == "" {
		return ""
	}
	dep := s.release.bySource(t, "Deployment", ksmDeploymentSource)
	var spec corev1.PodSpec
	if err := remarshalInto(dep.Object["spec"].(map[string]any)["template"].(map[string]any)["spec"], &spec); err != nil {
		t.Fatal(err)
	}
	var volume string
	for _, m := range c.VolumeMounts {
		if m.MountPath == path.Dir(file) {
			volume = m.Name
		}
	}
	var cm string
	for _, v := range spec.Volumes {
		if v.Name == volume && v.ConfigMap != nil {
			cm = v.ConfigMap.Name
		}
	}
	for _, o := range s.release.rendered.Objects {
		if o.GetKind() != "ConfigMap" || o.GetName() != cm {
			continue
		}
		data, _, _ := unstructured.NestedString(o.Object, "data", path.Base(file))
		if data == "" {
			break
		}
		local := filepath.Join(s.dir, "kube-state-metrics-"+path.Base(file))
		if err := os.WriteFile(local, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("kube-state-metrics reads the custom-resource-state config of ConfigMap %s (mounted at %s) from %s", cm, file, local)
		return local
	}
	t.Fatalf("kube-state-metrics reads %s, but the chart renders no ConfigMap %q key %s mounted there", file, cm, path.Base(file))
	return ""
}

// remarshalInto converts a decoded object into a typed one.
func remarshalInto(in, out any) error {
	b, err := yaml.Marshal(in)
	if err != nil {
		return err
	}
	return yaml.Unmarshal(b, out)
}
