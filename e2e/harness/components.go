package harness

import (
	"context"
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// DeploymentContainer returns a container of a rendered Deployment.
func DeploymentContainer(obj *unstructured.Unstructured, container string) (corev1.Container, error) {
	var d appsv1.Deployment
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &d); err != nil {
		return corev1.Container{}, fmt.Errorf("Deployment %s: %w", obj.GetName(), err)
	}
	var names []string
	for _, c := range d.Spec.Template.Spec.Containers {
		if c.Name == container {
			return c, nil
		}
		names = append(names, c.Name)
	}
	return corev1.Container{}, fmt.Errorf("Deployment %s has no container %s (it has %v)", obj.GetName(), container, names)
}

// StatefulSetContainer returns a container of a StatefulSet.
func StatefulSetContainer(sts *appsv1.StatefulSet, container string) (corev1.Container, error) {
	var names []string
	for _, c := range sts.Spec.Template.Spec.Containers {
		if c.Name == container {
			return c, nil
		}
		names = append(names, c.Name)
	}
	return corev1.Container{}, fmt.Errorf("StatefulSet %s has no container %s (it has %v)", sts.Name, container, names)
}

// ArgRewrite changes a container's flags where the process runs without a
// kubelet: flags named in Set get that value (appended when absent), flags
// in Drop go.
type ArgRewrite struct {
	Set  map[string]string
	Drop []string
}

// ContainerArgs returns the container's args as the kubelet would pass them
// ($(VAR) expanded from its env) with the rewrite applied, and a note per
// flag changed.
func ContainerArgs(c corev1.Container, pod PodStandIn, rw ArgRewrite) ([]string, []string, error) {
	env, err := ContainerEnv(c, pod)
	if err != nil {
		return nil, nil, err
	}
	var out, notes []string
	seen := map[string]bool{}
	for _, a := range append(slices.Clone(c.Command[min(len(c.Command), 1):]), c.Args...) {
		a = expandKubelet(a, env)
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case slices.Contains(rw.Drop, name):
			notes = append(notes, fmt.Sprintf("%s dropped", a))
		case hasKey(rw.Set, name):
			seen[name] = true
			n := "--" + name + "=" + rw.Set[name]
			if n != a {
				notes = append(notes, fmt.Sprintf("%s → %s", a, n))
			}
			out = append(out, n)
		default:
			out = append(out, a)
		}
	}
	keys := make([]string, 0, len(rw.Set))
	for k := range rw.Set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !seen[k] {
			n := "--" + k + "=" + rw.Set[k]
			out = append(out, n)
			notes = append(notes, "+ "+n)
		}
	}
	return out, notes, nil
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// PublishEndpoints writes the Endpoints and the EndpointSlice of a Service
// (what the endpoints controllers would write for its ready pods): one
// address, the named ports. Discovery of ServiceMonitors and of the
// Alertmanagers then finds the process there.
func PublishEndpoints(ctx context.Context, k *Kube, namespace, service, ip string, ports map[string]int) error {
	var names []string
	for n := range ports {
		names = append(names, n)
	}
	slices.Sort(names)
	var epPorts []corev1.EndpointPort
	var slicePorts []discoveryv1.EndpointPort
	for _, n := range names {
		p := int32(ports[n])
		epPorts = append(epPorts, corev1.EndpointPort{Name: n, Port: p, Protocol: corev1.ProtocolTCP})
		slicePorts = append(slicePorts, discoveryv1.EndpointPort{Name: ptr(n), Port: ptr(p), Protocol: ptr(corev1.ProtocolTCP)})
	}
	ep := corev1.Endpoints{ //nolint:staticcheck // Endpoints: what role "endpoints" discovery reads.
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Endpoints"},
		ObjectMeta: metav1.ObjectMeta{Name: service, Namespace: namespace, Labels: map[string]string{"e2e.dataopsgen.dev/published": "true"}},
		Subsets:    []corev1.EndpointSubset{{Addresses: []corev1.EndpointAddress{{IP: ip}}, Ports: epPorts}}, //nolint:staticcheck // see above.
	}
	if err := k.Apply(ctx, EndpointsRes, namespace, service, "e2e-endpoints-controller", ep, nil); err != nil {
		return err
	}
	slice := discoveryv1.EndpointSlice{
		TypeMeta: metav1.TypeMeta{APIVersion: "discovery.k8s.io/v1", Kind: "EndpointSlice"},
		ObjectMeta: metav1.ObjectMeta{Name: service + "-e2e", Namespace: namespace, Labels: map[string]string{
			discoveryv1.LabelServiceName: service,
			discoveryv1.LabelManagedBy:   "e2e.dataopsgen.dev",
		}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: ptr(true)}}},
		Ports:       slicePorts,
	}
	return k.Apply(ctx, EndpointSlices, namespace, slice.Name, "e2e-endpoints-controller", slice, nil)
}

func ptr[T any](v T) *T { return &v }
