package render

import (
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/internal/controllers"
	"github.com/dataopsgen/dataopsgen/internal/dcgm"
)

// checkDCGM: the dcgm-exporter DaemonSet the chart renders runs on the GPU
// nodes the spec names (its nodeSelector and tolerations, exactly), and
// reads the generated collectors list: the file it is given with -f is the
// mount of the ConfigMap holding the CSV (chart 4.6.0 templates/
// metrics-configmap.yaml and daemonset.yaml), whose lines enable every
// field the alerts and panels read.
func checkDCGM(t *testing.T, d *deployment) {
	if !d.HasRelease("dcgm-exporter") {
		return
	}
	r := d.Release(t, "dcgm-exporter")
	ds, c := findContainer(t, r.Rendered.Objects, "DaemonSet", "exporter")
	var pod struct {
		NodeSelector map[string]string `json:"nodeSelector"`
		Tolerations  []map[string]any  `json:"tolerations"`
		Volumes      []struct {
			Name      string `json:"name"`
			ConfigMap *struct {
				Name  string `json:"name"`
				Items []struct {
					Key  string `json:"key"`
					Path string `json:"path"`
				} `json:"items"`
			} `json:"configMap"`
		} `json:"volumes"`
		Containers []struct {
			Name   string `json:"name"`
			Mounts []struct {
				Name      string `json:"name"`
				MountPath string `json:"mountPath"`
				SubPath   string `json:"subPath"`
			} `json:"volumeMounts"`
		} `json:"containers"`
	}
	if err := remarshal(field(ds.Object, "spec", "template", "spec"), &pod); err != nil {
		t.Fatal(err)
	}
	want := d.Spec.Stack.DCGMExporter
	if len(pod.NodeSelector) != len(want.NodeSelector) {
		t.Errorf("dcgm-exporter nodeSelector %v, spec %v", pod.NodeSelector, want.NodeSelector)
	}
	for k, v := range want.NodeSelector {
		if pod.NodeSelector[k] != v {
			t.Errorf("dcgm-exporter nodeSelector %v, spec %v", pod.NodeSelector, want.NodeSelector)
		}
	}
	var wantTol []map[string]any
	if err := remarshal(want.Tolerations, &wantTol); err != nil {
		t.Fatal(err)
	}
	if a, b := mustYAML(t, pod.Tolerations), mustYAML(t, wantTol); a != b {
		t.Errorf("dcgm-exporter tolerations:\n%s\nspec:\n%s", a, b)
	}
	// -f FILE, and FILE mounted from a ConfigMap key.
	i := slices.Index(c.Args, "-f")
	if i < 0 || i+1 >= len(c.Args) {
		t.Fatalf("dcgm-exporter args %v: no -f collectors file", c.Args)
	}
	file := c.Args[i+1]
	var cm, key string
	for _, ct := range pod.Containers {
		for _, m := range ct.Mounts {
			if ct.Name != "exporter" || m.MountPath != file {
				continue
			}
			for _, v := range pod.Volumes {
				if v.Name == m.Name && v.ConfigMap != nil {
					for _, it := range v.ConfigMap.Items {
						if it.Path == m.SubPath {
							cm, key = v.ConfigMap.Name, it.Key
						}
					}
				}
			}
		}
	}
	if cm == "" {
		t.Fatalf("dcgm-exporter reads %s, which no ConfigMap key is mounted at", file)
	}
	csv, err := dataOf(r.Rendered.Objects, "ConfigMap", r.Namespace, cm, key)
	if err != nil {
		t.Fatalf("the collectors file: %v", err)
	}
	for _, f := range dcgm.Fields() {
		if !slices.ContainsFunc(strings.Split(csv, "\n"), func(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), f+",") }) {
			t.Errorf("the collectors file %s (ConfigMap %s key %s) does not enable %s", file, cm, key, f)
		}
	}
}

// checkKSMCustomResources: with training controllers that have custom
// resources, the kube-state-metrics Deployment the chart renders reads the
// generated custom-resource-state config (--custom-resource-state-config-file
// names the key of the ConfigMap mounted there, holding the config as
// generated), and its ClusterRole may list and watch the CRDs and every
// custom resource the config names.
func checkKSMCustomResources(t *testing.T, d *deployment) {
	cfg, _, ok := promstack.CRSConfig(d.Spec)
	kps := d.Release(t, "kube-prometheus-stack")
	dep, c := findContainer(t, kps.Rendered.Objects, "Deployment", "kube-state-metrics")
	var file string
	for _, a := range c.Args {
		if v, found := strings.CutPrefix(a, "--custom-resource-state-config-file="); found {
			file = v
		}
	}
	if !ok {
		if file != "" {
			t.Errorf("kube-state-metrics reads a custom-resource-state config (%s) no workload needs", file)
		}
		return
	}
	if file == "" {
		t.Fatalf("kube-state-metrics args %v: no --custom-resource-state-config-file", c.Args)
	}
	dir, key := file[:strings.LastIndex(file, "/")], file[strings.LastIndex(file, "/")+1:]
	cm := mounted(t, dep, volumeAt(t, dep, dir), "ConfigMap")
	got, err := dataOf(kps.Rendered.Objects, "ConfigMap", kps.Namespace, cm, key)
	if err != nil {
		t.Fatalf("the custom-resource-state config: %v", err)
	}
	if a, b := canonicalYAML(t, got), mustYAML(t, cfg); a != b {
		t.Errorf("ConfigMap %s key %s:\n%s\nthe generated config:\n%s", cm, key, a, b)
	}
	rules := clusterRoleRules(t, kps.Rendered.Objects, "kube-state-metrics")
	need := []controllers.RBACRule{{APIGroups: []string{"apiextensions.k8s.io"}, Resources: []string{"customresourcedefinitions"}}}
	for _, r := range cfg.Spec.Resources {
		for _, c := range append(controllers.All(), nil) {
			o := controllers.Kueue.Object
			if c != nil {
				o = c.Object
			}
			if o.Group == r.GroupVersionKind.Group && o.Kind == r.GroupVersionKind.Kind {
				need = append(need, controllers.RBACRule{APIGroups: []string{o.Group}, Resources: []string{o.Resource}})
			}
		}
	}
	for _, n := range need {
		if !slices.ContainsFunc(rules, func(r controllers.RBACRule) bool {
			return slices.Contains(r.APIGroups, n.APIGroups[0]) && slices.Contains(r.Resources, n.Resources[0]) &&
				slices.Contains(r.Verbs, "list") && slices.Contains(r.Verbs, "watch")
		}) {
			t.Errorf("kube-state-metrics' ClusterRole may not list and watch %s.%s", n.Resources[0], n.APIGroups[0])
		}
	}
}

// volumeAt is the volume of o's pod mounted at path.
func volumeAt(t *testing.T, o *harness.Object, path string) string {
	t.Helper()
	var spec struct {
		Containers []struct {
			Mounts []struct {
				Name      string `json:"name"`
				MountPath string `json:"mountPath"`
			} `json:"volumeMounts"`
		} `json:"containers"`
	}
	if err := remarshal(field(o.Object, "spec", "template", "spec"), &spec); err != nil {
		t.Fatal(err)
	}
	for _, c := range spec.Containers {
		for _, m := range c.Mounts {
			if m.MountPath == path {
				return m.Name
			}
		}
	}
	t.Fatalf("%s mounts nothing at %s", o, path)
	return ""
}

// clusterRoleRules are the rules of the ClusterRole whose name contains name.
func clusterRoleRules(t *testing.T, objs []*harness.Object, name string) []controllers.RBACRule {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() == "ClusterRole" && strings.Contains(o.GetName(), name) {
			var rules []controllers.RBACRule
			if err := remarshal(o.Object["rules"], &rules); err != nil {
				t.Fatal(err)
			}
			return rules
		}
	}
	t.Fatalf("no ClusterRole %s rendered", name)
	return nil
}

func mustYAML(t *testing.T, v any) string {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// canonicalYAML re-marshals a YAML text (sorted keys, one style).
func canonicalYAML(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return mustYAML(t, v)
}

// checkCustomResourceLabels: when expr reads custom-resource-state series
// (kube_customresource_*), every label_* name it reads is one the generated
// config gives one of them (checkKSMCustomResources checks the chart runs
// that config). It returns the number of names checked, 0 when expr reads
// no such series.
func checkCustomResourceLabels(t *testing.T, d *deployment, expr parser.Expr, names []string, what string) int {
	t.Helper()
	var read []string
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		if vs, ok := node.(*parser.VectorSelector); ok && strings.HasPrefix(vs.Name, controllers.MetricPrefix+"_") {
			read = append(read, vs.Name)
		}
		return nil
	})
	if len(read) == 0 {
		return 0
	}
	cfg, _, _ := promstack.CRSConfig(d.Spec)
	var carried []string
	for _, sr := range controllers.SeriesOf(cfg) {
		if slices.Contains(read, sr.Name) {
			carried = append(carried, sr.Labels...)
		}
	}
	for _, n := range names {
		if !slices.Contains(carried, n) {
			t.Errorf("%s reads %s, which none of %v carries in the custom-resource-state config", what, n, read)
		}
	}
	return max(1, len(names))
}
