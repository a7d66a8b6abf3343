package harness

import (
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/util/strutil"
	corev1 "k8s.io/api/core/v1"
)

// ServiceEndpoints are the endpoints a Service would have: a process the
// harness runs in place of the Service's pod, at IP, serving the named
// ports. The API refuses them as Endpoints objects (k8s.io/kubernetes
// pkg/apis/core/validation ValidateEndpointIP, and for EndpointSlices
// pkg/apis/discovery/validation: "may not be in the loopback range"), so
// the Prometheus config gets the targets that discovery would build from
// them (PrometheusOutput.RuntimeConfig).
type ServiceEndpoints struct {
	// Service is the Service object as the API holds it.
	Service corev1.Service
	IP      string
	// Ports maps the Service's port names to the process's ports.
	Ports map[string]int
}

// endpointsTargets returns static_configs entries for the endpoints in the
// namespaces an SD config of role endpoints watches ("names", or the pod's
// own namespace; every namespace when none is given).
func endpointsTargets(sd map[string]any, podNamespace string, endpoints []ServiceEndpoints) []any {
	var names []string
	all := true
	if ns, ok := sd["namespaces"].(map[string]any); ok {
		if l, ok := ns["names"].([]any); ok && len(l) > 0 {
			all = false
			for _, n := range l {
				if s, ok := n.(string); ok {
					names = append(names, s)
				}
			}
		}
		if own, _ := ns["own_namespace"].(bool); own {
			all = false
			names = append(names, podNamespace)
		}
	}
	var out []any
	for _, e := range endpoints {
		if all || slices.Contains(names, e.Service.Namespace) {
			for _, t := range e.targets() {
				addr := t["__address__"]
				delete(t, "__address__")
				out = append(out, map[string]any{"targets": []any{addr}, "labels": t})
			}
		}
	}
	return out
}

// targets are the label sets Prometheus's endpoints discovery gives each
// port of an Endpoints object with one ready address and no targetRef, for
// its Service (github.com/prometheus/prometheus discovery/kubernetes:
// endpoints.go buildEndpoints and add; service.go serviceLabels;
// kubernetes.go addObjectMetaLabels, addObjectAnnotationsAndLabels). The
// Endpoints object carries the Service's name and no labels of its own.
func (e ServiceEndpoints) targets() []map[string]string {
	const meta = "__meta_kubernetes_"
	common := map[string]string{
		meta + "namespace":      e.Service.Namespace,
		meta + "endpoints_name": e.Service.Name,
		meta + "service_name":   e.Service.Name,
	}
	for k, v := range e.Service.Labels {
		common[meta+"service_label_"+strutil.SanitizeLabelName(k)] = v
		common[meta+"service_labelpresent_"+strutil.SanitizeLabelName(k)] = "true"
	}
	for k, v := range e.Service.Annotations {
		common[meta+"service_annotation_"+strutil.SanitizeLabelName(k)] = v
		common[meta+"service_annotationpresent_"+strutil.SanitizeLabelName(k)] = "true"
	}
	var out []map[string]string
	for _, p := range e.Service.Spec.Ports {
		port, ok := e.Ports[p.Name]
		if !ok {
			continue
		}
		t := map[string]string{
			"__address__":                   net.JoinHostPort(e.IP, strconv.Itoa(port)),
			meta + "endpoint_port_name":     p.Name,
			meta + "endpoint_port_protocol": string(corev1.ProtocolTCP),
			meta + "endpoint_ready":         "true",
		}
		for k, v := range common {
			t[k] = v
		}
		out = append(out, t)
	}
	return out
}

func endpointsNames(endpoints []ServiceEndpoints) string {
	var names []string
	for _, e := range endpoints {
		names = append(names, e.Service.Namespace+"/"+e.Service.Name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
