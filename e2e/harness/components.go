package harness

import (
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
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
