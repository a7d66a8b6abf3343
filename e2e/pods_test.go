package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Workload pods and Jobs are objects in the API server; with no scheduler,
// kubelet or controllers, the test writes what those would: the pod's node,
// its status (phase, IP, conditions, container statuses with restart
// counts), a Job's conditions, and deletes pods as a kubelet confirms their
// end (grace period 0). Each pod's IP is the loopback address its test app
// listens on.

const fieldManager = "e2e-kubelet"

var inferenceLabels = map[string]string{
	componentLabel:                   "inference",
	"app.kubernetes.io/name":         inferenceName,
	"pod-template-hash":              replicaSetHash,
	"app.kubernetes.io/managed-by":   "e2e",
	"app.kubernetes.io/part-of":      "dataops",
	"app.kubernetes.io/instance":     inferenceName,
	"app.kubernetes.io/version":      "1.0.0",
	"example.com/some-unrelated-key": "x",
}

// createOwners creates the inference Deployment and its ReplicaSet, and the
// training Job, in the workloads' namespace (and its default
// ServiceAccount, which pods need).
func (s *stack) createOwners(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if err := s.kube.EnsureNamespace(ctx, namespace); err != nil {
		t.Fatal(err)
	}
	one := int32(len(s.inference))
	selector := &metav1.LabelSelector{MatchLabels: map[string]string{componentLabel: "inference", "app.kubernetes.io/name": inferenceName}}
	var dep appsv1.Deployment
	if err := s.kube.Create(ctx, harness.Deployments, namespace, appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: inferenceName, Labels: map[string]string{componentLabel: "inference"}},
		Spec:       appsv1.DeploymentSpec{Replicas: &one, Selector: selector, Template: podTemplate(inferenceLabels, "server")},
	}, &dep); err != nil {
		t.Fatal(err)
	}
	var rs appsv1.ReplicaSet
	if err := s.kube.Create(ctx, harness.ReplicaSets, namespace, appsv1.ReplicaSet{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ReplicaSet"},
		ObjectMeta: metav1.ObjectMeta{Name: inferenceName + "-" + replicaSetHash, Labels: inferenceLabels,
			OwnerReferences: []metav1.OwnerReference{controllerRef("apps/v1", "Deployment", dep.Name, string(dep.UID))}},
		Spec: appsv1.ReplicaSetSpec{Replicas: &one, Selector: selector, Template: podTemplate(inferenceLabels, "server")},
	}, &rs); err != nil {
		t.Fatal(err)
	}
	s.rsUID = string(rs.UID)
	s.createJob(t)
}

// createJob creates the training Job, running (startTime, one active pod).
func (s *stack) createJob(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	var job batchv1.Job
	if err := s.kube.Create(ctx, harness.Jobs, namespace, batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Name: trainingJob, Labels: map[string]string{componentLabel: "training"}},
		Spec: batchv1.JobSpec{BackoffLimit: ptr(int32(0)), Template: func() corev1.PodTemplateSpec {
			p := podTemplate(map[string]string{componentLabel: "training", "app.kubernetes.io/name": trainingName}, "trainer")
			p.Spec.RestartPolicy = corev1.RestartPolicyNever
			return p
		}()},
	}, &job); err != nil {
		t.Fatal(err)
	}
	now := metav1.Now()
	if err := s.kube.PatchStatus(ctx, harness.Jobs, namespace, trainingJob, map[string]any{
		"status": batchv1.JobStatus{StartTime: &now, Active: 1, Ready: ptr(int32(1)), Terminating: ptr(int32(0))},
	}); err != nil {
		t.Fatalf("Job %s running: %v", trainingJob, err)
	}
	s.mu.Lock()
	s.jobUID = string(job.UID)
	s.mu.Unlock()
}

// failJob sets the Job failed as the Job controller does when its pod
// failed past backoffLimit: both FailureTarget and Failed conditions (the
// API requires FailureTarget before Failed), no active pod.
func (s *stack) failJob(t *testing.T) {
	t.Helper()
	now := metav1.Now()
	cond := func(typ batchv1.JobConditionType) batchv1.JobCondition {
		return batchv1.JobCondition{Type: typ, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded",
			Message: "Job has reached the specified backoff limit", LastProbeTime: now, LastTransitionTime: now}
	}
	// A merge patch: zeros spelled out (the typed status omits them).
	patch := map[string]any{"status": map[string]any{
		"active": 0, "ready": 0, "terminating": 0, "failed": 1,
		"conditions": []batchv1.JobCondition{cond(batchv1.JobFailureTarget), cond(batchv1.JobFailed)},
	}}
	if err := s.kube.PatchStatus(context.Background(), harness.Jobs, namespace, trainingJob, patch); err != nil {
		t.Fatalf("Job %s failed: %v", trainingJob, err)
	}
}

// replaceJob deletes the failed Job and creates it again, as a user re-runs
// a training (kube-state-metrics drops the failed Job's series).
func (s *stack) replaceJob(t *testing.T) {
	t.Helper()
	if err := s.kube.Delete(context.Background(), harness.Jobs, namespace, trainingJob, -1); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var j batchv1.Job
		err := s.kube.Get(context.Background(), harness.Jobs, namespace, trainingJob, &j)
		if harness.IsNotFound(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Job %s not gone 30s after its deletion: %v", trainingJob, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.createJob(t)
}

func (s *stack) addInferencePods(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	s.podGen++
	gen := s.podGen
	s.mu.Unlock()
	for i, app := range s.inference {
		name := fmt.Sprintf("%s-%s-g%dp%d", inferenceName, replicaSetHash, gen, i)
		s.runPod(t, corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: inferenceLabels,
				OwnerReferences: []metav1.OwnerReference{controllerRef("apps/v1", "ReplicaSet", inferenceName+"-"+replicaSetHash, s.rsUID)}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{
				container("server", corev1.ContainerPort{Name: "metrics", ContainerPort: int32(app.Port())}, corev1.ContainerPort{Name: "grpc", ContainerPort: 9000}),
				// A sidecar whose port is not the metrics port: never a target.
				container("proxy", corev1.ContainerPort{Name: "http", ContainerPort: 15090}),
			}},
		}, corev1.PodRunning, app.Host())
		s.mu.Lock()
		s.expected[name] = podRef{name: name, workload: inferenceName, component: "inference", container: "server"}
		s.mu.Unlock()
	}
}

// deleteInferencePod deletes a pod as its end is confirmed (grace period 0).
func (s *stack) deleteInferencePod(t *testing.T, name string) {
	t.Helper()
	if err := s.kube.Delete(context.Background(), harness.Pods, namespace, name, 0); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	delete(s.expected, name)
	s.mu.Unlock()
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

func (s *stack) addTrainingPod(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	uid := s.jobUID
	s.mu.Unlock()
	s.runPod(t, corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: trainingPod, Labels: map[string]string{
			componentLabel:                       "training",
			"app.kubernetes.io/name":             trainingName,
			"batch.kubernetes.io/job-name":       trainingJob,
			"job-name":                           trainingJob,
			"batch.kubernetes.io/controller-uid": uid,
		}, OwnerReferences: []metav1.OwnerReference{controllerRef("batch/v1", "Job", trainingJob, uid)}},
		Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{
			container("trainer", corev1.ContainerPort{Name: "metrics", ContainerPort: int32(s.training.Port())}),
		}},
	}, corev1.PodRunning, s.training.Host())
	s.mu.Lock()
	s.expected[trainingPod] = podRef{name: trainingPod, workload: trainingName, component: "training", container: "trainer"}
	s.mu.Unlock()
}

// addRestart records one more restart of a container, as the kubelet does
// when it restarts it.
func (s *stack) addRestart(t *testing.T, pod, containerName string) {
	t.Helper()
	ctx := context.Background()
	var p corev1.Pod
	if err := s.kube.Get(ctx, harness.Pods, namespace, pod, &p); err != nil {
		t.Fatal(err)
	}
	now := metav1.Now()
	for i, cs := range p.Status.ContainerStatuses {
		if cs.Name == containerName {
			cs.RestartCount++
			cs.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 137, Reason: "OOMKilled", StartedAt: cs.State.Running.StartedAt, FinishedAt: now}}
			cs.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}}
			p.Status.ContainerStatuses[i] = cs
		}
	}
	if err := s.kube.PatchStatus(ctx, harness.Pods, namespace, pod, map[string]any{"status": map[string]any{"containerStatuses": p.Status.ContainerStatuses}}); err != nil {
		t.Fatal(err)
	}
}

// addDecoys adds pods the generated scrape configs must NOT scrape: their
// metrics ports lead nowhere, so scraping one would show as a target.
func (s *stack) addDecoys(t *testing.T) {
	t.Helper()
	if err := s.kube.EnsureNamespace(context.Background(), "other"); err != nil {
		t.Fatal(err)
	}
	dead := int32(freePortOn(t, "127.0.0.1"))
	decoy := func(ns, name string, labels map[string]string, phase corev1.PodPhase) {
		p := corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
			Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{
				container("c", corev1.ContainerPort{Name: "metrics", ContainerPort: dead}),
			}},
		}
		s.runPod(t, p, phase, s.ips.take())
	}
	// Finished pods of the training workload.
	decoy(namespace, trainingJob+"-old-9zq4m", map[string]string{componentLabel: "training"}, corev1.PodSucceeded)
	decoy(namespace, trainingJob+"-oom-3jd8s", map[string]string{componentLabel: "training"}, corev1.PodFailed)
	// A pending pod of the inference workload (scheduled, its image being
	// pulled: it has an IP, so discovery lists it).
	decoy(namespace, inferenceName+"-pending-5kq2w", map[string]string{componentLabel: "inference"}, corev1.PodPending)
	// A pod without the component label, in the workloads' namespace.
	decoy(namespace, "notebook-0", map[string]string{"app.kubernetes.io/name": "notebook"}, corev1.PodRunning)
	// A pod of another component.
	decoy(namespace, "feature-store-0", map[string]string{componentLabel: "database"}, corev1.PodRunning)
	// An inference pod in a namespace the spec does not watch.
	decoy("other", inferenceName+"-elsewhere", map[string]string{componentLabel: "inference"}, corev1.PodRunning)
}

// runPod creates a pod bound to the node and sets the status a kubelet
// would report for phase: Running (ready, containers running), Pending
// (containers waiting for their image), Succeeded or Failed (containers
// terminated). ip is the pod's IP.
func (s *stack) runPod(t *testing.T, p corev1.Pod, phase corev1.PodPhase, ip string) {
	t.Helper()
	ctx := context.Background()
	if p.Namespace == "" {
		p.Namespace = namespace
	}
	p.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}
	p.Spec.NodeName = nodeName
	if err := s.kube.Create(ctx, harness.Pods, p.Namespace, p, nil); err != nil {
		t.Fatalf("pod %s/%s: %v", p.Namespace, p.Name, err)
	}
	now := metav1.Now()
	st := corev1.PodStatus{Phase: phase, StartTime: &now, HostIP: ip, PodIP: ip, HostIPs: []corev1.HostIP{{IP: ip}}, PodIPs: []corev1.PodIP{{IP: ip}}}
	running := phase == corev1.PodRunning
	for _, c := range []corev1.PodConditionType{corev1.PodScheduled, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady} {
		status := corev1.ConditionTrue
		if (c == corev1.ContainersReady || c == corev1.PodReady) && !running {
			status = corev1.ConditionFalse
		}
		st.Conditions = append(st.Conditions, corev1.PodCondition{Type: c, Status: status, LastTransitionTime: now})
	}
	for _, c := range p.Spec.Containers {
		cs := corev1.ContainerStatus{Name: c.Name, Image: c.Image, Started: ptr(running), Ready: running}
		switch phase {
		case corev1.PodPending:
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
		case corev1.PodRunning:
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: now}
		case corev1.PodSucceeded:
			cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", StartedAt: now, FinishedAt: now}
		default:
			cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled", StartedAt: now, FinishedAt: now}
		}
		if phase != corev1.PodPending {
			cs.ImageID = "docker.io/" + c.Image + "@sha256:" + fakeDigest
			cs.ContainerID = "containerd://" + p.Name + "-" + c.Name
		}
		st.ContainerStatuses = append(st.ContainerStatuses, cs)
	}
	if err := s.kube.PatchStatus(ctx, harness.Pods, p.Namespace, p.Name, map[string]any{"status": st}); err != nil {
		t.Fatalf("status of pod %s/%s: %v", p.Namespace, p.Name, err)
	}
}

const fakeDigest = "0000000000000000000000000000000000000000000000000000000000000000"

func podTemplate(labels map[string]string, containerName string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{container(containerName)}},
	}
}

func container(name string, ports ...corev1.ContainerPort) corev1.Container {
	return corev1.Container{Name: name, Image: "e2e.dataopsgen.dev/" + name + ":1", Ports: ports}
}

func controllerRef(apiVersion, kind, name, uid string) metav1.OwnerReference {
	return metav1.OwnerReference{APIVersion: apiVersion, Kind: kind, Name: name, UID: typesUID(uid), Controller: ptr(true), BlockOwnerDeletion: ptr(true)}
}

func ptr[T any](v T) *T { return &v }

func typesUID(s string) types.UID { return types.UID(s) }
