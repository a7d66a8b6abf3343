package testapps

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// KubeStateMetrics stands in for kube-state-metrics: it exports, for the
// objects the test declares, the series the real exporter would, with its
// metric and label names:
//
//	kube_pod_info{namespace,pod,uid,node}
//	kube_pod_owner{namespace,pod,uid,owner_kind,owner_name,owner_is_controller}
//	kube_pod_labels{namespace,pod,uid,label_*}
//	kube_pod_container_status_restarts_total{namespace,pod,uid,container}
//	kube_job_labels{namespace,job_name,label_*}
//	kube_job_failed{namespace,job_name,condition}          (condition true|false|unknown)
//	kube_job_status_failed{namespace,job_name}
//	kube_deployment_labels{namespace,deployment,label_*}
//	kube_deployment_status_replicas_available{namespace,deployment}
//	kube_deployment_spec_replicas{namespace,deployment}
//
// Like the real exporter, the kube_*_labels series carry only the labels the
// metric-labels allowlist admits (--metric-labels-allowlist, e.g.
// pods=[app.kubernetes.io/component]); with an empty allowlist they carry none.
type KubeStateMetrics struct {
	*server

	mu          sync.Mutex
	allowlist   map[string][]string // resource (pods, jobs, deployments) → label keys, or "*"
	pods        map[string]*KSMPod
	jobs        map[string]*KSMJob
	deployments map[string]*KSMDeployment
}

// KSMPod is a pod as kube-state-metrics sees it.
type KSMPod struct {
	Namespace, Name, UID string
	Labels               map[string]string
	OwnerKind, OwnerName string
	// Restarts per container name.
	Restarts map[string]int
}

// KSMJob is a batch/v1 Job.
type KSMJob struct {
	Namespace, Name string
	Labels          map[string]string
	Failed          bool
}

// KSMDeployment is an apps/v1 Deployment.
type KSMDeployment struct {
	Namespace, Name string
	Labels          map[string]string
	Replicas        int
	Available       int
}

// StartKubeStateMetrics starts the exporter with an allowlist in the syntax of
// --metric-labels-allowlist ("pods=[app.kubernetes.io/component],jobs=[*]").
func StartKubeStateMetrics(allowlist string) (*KubeStateMetrics, error) {
	al, err := ParseLabelsAllowlist(allowlist)
	if err != nil {
		return nil, err
	}
	k := &KubeStateMetrics{
		allowlist:   al,
		pods:        map[string]*KSMPod{},
		jobs:        map[string]*KSMJob{},
		deployments: map[string]*KSMDeployment{},
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(k)
	s, err := startServer(metricsMux(reg))
	if err != nil {
		return nil, err
	}
	k.server = s
	return k, nil
}

// ParseLabelsAllowlist parses kube-state-metrics' --metric-labels-allowlist.
func ParseLabelsAllowlist(s string) (map[string][]string, error) {
	out := map[string][]string{}
	s = strings.TrimSpace(s)
	for s != "" {
		res, rest, ok := strings.Cut(s, "=[")
		if !ok {
			return nil, errorf("bad metric-labels-allowlist %q", s)
		}
		keys, rest2, ok := strings.Cut(rest, "]")
		if !ok {
			return nil, errorf("bad metric-labels-allowlist %q", s)
		}
		var ks []string
		for _, k := range strings.Split(keys, ",") {
			if k = strings.TrimSpace(k); k != "" {
				ks = append(ks, k)
			}
		}
		out[strings.TrimSpace(res)] = ks
		s = strings.TrimPrefix(strings.TrimSpace(rest2), ",")
		s = strings.TrimSpace(s)
	}
	return out, nil
}

// Close stops the server.
func (k *KubeStateMetrics) Close() error { return k.close() }

// SetPod adds or replaces a pod.
func (k *KubeStateMetrics) SetPod(p KSMPod) {
	k.mu.Lock()
	defer k.mu.Unlock()
	cp := p
	cp.Restarts = map[string]int{}
	for c, n := range p.Restarts {
		cp.Restarts[c] = n
	}
	if cp.UID == "" {
		cp.UID = "uid-" + p.Name
	}
	k.pods[p.Namespace+"/"+p.Name] = &cp
}

// DeletePod removes a pod.
func (k *KubeStateMetrics) DeletePod(namespace, name string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.pods, namespace+"/"+name)
}

// AddRestarts adds n to a container's restart counter.
func (k *KubeStateMetrics) AddRestarts(namespace, pod, container string, n int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if p, ok := k.pods[namespace+"/"+pod]; ok {
		p.Restarts[container] += n
	}
}

// SetJob adds or replaces a job.
func (k *KubeStateMetrics) SetJob(j KSMJob) {
	k.mu.Lock()
	defer k.mu.Unlock()
	cp := j
	k.jobs[j.Namespace+"/"+j.Name] = &cp
}

// SetJobFailed marks a job failed or not.
func (k *KubeStateMetrics) SetJobFailed(namespace, name string, failed bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if j, ok := k.jobs[namespace+"/"+name]; ok {
		j.Failed = failed
	}
}

// SetDeployment adds or replaces a deployment.
func (k *KubeStateMetrics) SetDeployment(d KSMDeployment) {
	k.mu.Lock()
	defer k.mu.Unlock()
	cp := d
	k.deployments[d.Namespace+"/"+d.Name] = &cp
}

// SetDeploymentAvailable sets a deployment's available replicas.
func (k *KubeStateMetrics) SetDeploymentAvailable(namespace, name string, n int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if d, ok := k.deployments[namespace+"/"+name]; ok {
		d.Available = n
	}
}

var invalidLabelChars = regexp.MustCompile(`[^a-zA-Z0-9_]`)

// SanitizeLabel is kube-state-metrics' Kubernetes label key → Prometheus
// label name ("app.kubernetes.io/component" → "label_app_kubernetes_io_component").
func SanitizeLabel(key string) string {
	return "label_" + invalidLabelChars.ReplaceAllString(key, "_")
}

// allowed returns the label_* names and values for a resource's labels.
func (k *KubeStateMetrics) allowed(resource string, labels map[string]string) (names, values []string) {
	keys := k.allowlist[resource]
	all := slices.Contains(keys, "*")
	var lk []string
	for key := range labels {
		if all || slices.Contains(keys, key) {
			lk = append(lk, key)
		}
	}
	slices.Sort(lk)
	for _, key := range lk {
		names = append(names, SanitizeLabel(key))
		values = append(values, labels[key])
	}
	return names, values
}

var (
	descPodInfo   = prometheus.NewDesc("kube_pod_info", "Information about pod.", []string{"namespace", "pod", "uid", "node"}, nil)
	descPodOwner  = prometheus.NewDesc("kube_pod_owner", "Information about the Pod's owner.", []string{"namespace", "pod", "uid", "owner_kind", "owner_name", "owner_is_controller"}, nil)
	descRestarts  = prometheus.NewDesc("kube_pod_container_status_restarts_total", "The number of container restarts per container.", []string{"namespace", "pod", "uid", "container"}, nil)
	descJobFailed = prometheus.NewDesc("kube_job_failed", "The job has failed its execution.", []string{"namespace", "job_name", "condition"}, nil)
	descJobStatus = prometheus.NewDesc("kube_job_status_failed", "The number of pods which reached Phase Failed.", []string{"namespace", "job_name"}, nil)
	descDepAvail  = prometheus.NewDesc("kube_deployment_status_replicas_available", "The number of available replicas per deployment.", []string{"namespace", "deployment"}, nil)
	descDepSpec   = prometheus.NewDesc("kube_deployment_spec_replicas", "Number of desired pods for a deployment.", []string{"namespace", "deployment"}, nil)
)

// Describe sends nothing: the collector is unchecked (label sets vary).
func (k *KubeStateMetrics) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector.
func (k *KubeStateMetrics) Collect(ch chan<- prometheus.Metric) {
	k.mu.Lock()
	defer k.mu.Unlock()
	gauge := func(d *prometheus.Desc, v float64, lv ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, lv...)
	}
	for _, key := range sortedKeys(k.pods) {
		p := k.pods[key]
		gauge(descPodInfo, 1, p.Namespace, p.Name, p.UID, "e2e-node")
		if p.OwnerKind != "" {
			gauge(descPodOwner, 1, p.Namespace, p.Name, p.UID, p.OwnerKind, p.OwnerName, "true")
		}
		names, values := k.allowed("pods", p.Labels)
		d := prometheus.NewDesc("kube_pod_labels", "Kubernetes labels converted to Prometheus labels.",
			append([]string{"namespace", "pod", "uid"}, names...), nil)
		gauge(d, 1, append([]string{p.Namespace, p.Name, p.UID}, values...)...)
		for _, c := range sortedKeys(p.Restarts) {
			ch <- prometheus.MustNewConstMetric(descRestarts, prometheus.CounterValue, float64(p.Restarts[c]), p.Namespace, p.Name, p.UID, c)
		}
	}
	for _, key := range sortedKeys(k.jobs) {
		j := k.jobs[key]
		names, values := k.allowed("jobs", j.Labels)
		d := prometheus.NewDesc("kube_job_labels", "Kubernetes labels converted to Prometheus labels.",
			append([]string{"namespace", "job_name"}, names...), nil)
		gauge(d, 1, append([]string{j.Namespace, j.Name}, values...)...)
		f := 0.0
		if j.Failed {
			f = 1
			gauge(descJobFailed, 1, j.Namespace, j.Name, "true")
			gauge(descJobFailed, 0, j.Namespace, j.Name, "false")
			gauge(descJobFailed, 0, j.Namespace, j.Name, "unknown")
		}
		// A job that has not failed has no Failed condition: kube-state-metrics
		// then exports no kube_job_failed series for it.
		gauge(descJobStatus, f, j.Namespace, j.Name)
	}
	for _, key := range sortedKeys(k.deployments) {
		d := k.deployments[key]
		names, values := k.allowed("deployments", d.Labels)
		ld := prometheus.NewDesc("kube_deployment_labels", "Kubernetes labels converted to Prometheus labels.",
			append([]string{"namespace", "deployment"}, names...), nil)
		gauge(ld, 1, append([]string{d.Namespace, d.Name}, values...)...)
		gauge(descDepAvail, float64(d.Available), d.Namespace, d.Name)
		gauge(descDepSpec, float64(d.Replicas), d.Namespace, d.Name)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
