package render

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"github.com/dataopsgen/dataopsgen/generators/secrets"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// objectRef is one Secret or ConfigMap (and key) an object reads.
type objectRef struct {
	Kind, Namespace, Name, Key string
	Optional                   bool
	By                         string
}

func (r objectRef) String() string {
	s := fmt.Sprintf("%s %s/%s", r.Kind, r.Namespace, r.Name)
	if r.Key != "" {
		s += " key " + r.Key
	}
	return s
}

// podSpecPath is where each workload kind keeps its pod spec.
var podSpecPath = map[string][]string{
	"Pod":         {"spec"},
	"Deployment":  {"spec", "template", "spec"},
	"DaemonSet":   {"spec", "template", "spec"},
	"StatefulSet": {"spec", "template", "spec"},
	"ReplicaSet":  {"spec", "template", "spec"},
	"Job":         {"spec", "template", "spec"},
	"CronJob":     {"spec", "jobTemplate", "spec", "template", "spec"},
}

// podSpec is the part of a pod spec that names Secrets and ConfigMaps.
type podSpec struct {
	Volumes []struct {
		Secret    *volumeRef `json:"secret"`
		ConfigMap *volumeRef `json:"configMap"`
		Projected *struct {
			Sources []struct {
				Secret    *volumeRef `json:"secret"`
				ConfigMap *volumeRef `json:"configMap"`
			} `json:"sources"`
		} `json:"projected"`
	} `json:"volumes"`
	Containers     []podContainer `json:"containers"`
	InitContainers []podContainer `json:"initContainers"`
	PullSecrets    []struct {
		Name string `json:"name"`
	} `json:"imagePullSecrets"`
}

// volumeRef is a secret, configMap or projected source of a volume (a
// secret volume names it secretName, the others name).
type volumeRef struct {
	Name       string `json:"name"`
	SecretName string `json:"secretName"`
	Optional   bool   `json:"optional"`
}

func (v *volumeRef) name() string {
	if v.SecretName != "" {
		return v.SecretName
	}
	return v.Name
}

type keyRef struct {
	Name     string `json:"name"`
	Key      string `json:"key"`
	Optional bool   `json:"optional"`
}

type podContainer struct {
	Env []struct {
		ValueFrom *struct {
			SecretKeyRef    *keyRef `json:"secretKeyRef"`
			ConfigMapKeyRef *keyRef `json:"configMapKeyRef"`
		} `json:"valueFrom"`
	} `json:"env"`
	EnvFrom []struct {
		SecretRef    *keyRef `json:"secretRef"`
		ConfigMapRef *keyRef `json:"configMapRef"`
	} `json:"envFrom"`
}

// objectRefs returns what o reads: a workload's pod (volumes, env,
// envFrom, image pull Secrets), the Prometheus and Alertmanager CRs' Secret
// and ConfigMap fields (prometheus-operator pkg/apis/monitoring/v1:
// additionalScrapeConfigs, additionalAlertManagerConfigs,
// additionalAlertRelabelConfigs, remoteWrite basicAuth, secrets,
// configMaps, configSecret).
func objectRefs(t *testing.T, o *harness.Object) []objectRef {
	t.Helper()
	ns, by := o.GetNamespace(), o.String()
	var out []objectRef
	add := func(kind, name, key string, optional bool) {
		if name != "" {
			out = append(out, objectRef{kind, ns, name, key, optional, by})
		}
	}
	if path, ok := podSpecPath[o.GetKind()]; ok {
		var ps podSpec
		if err := remarshal(field(o.Object, path...), &ps); err != nil {
			t.Fatalf("%s: %v", o, err)
		}
		for _, v := range ps.Volumes {
			sources := []*volumeRef{v.Secret, v.ConfigMap}
			if v.Projected != nil {
				for _, s := range v.Projected.Sources {
					sources = append(sources, s.Secret, s.ConfigMap)
				}
			}
			for i, src := range sources {
				if src != nil {
					add([]string{"Secret", "ConfigMap"}[i%2], src.name(), "", src.Optional)
				}
			}
		}
		for _, c := range append(ps.Containers, ps.InitContainers...) {
			for _, e := range c.Env {
				if e.ValueFrom == nil {
					continue
				}
				if r := e.ValueFrom.SecretKeyRef; r != nil {
					add("Secret", r.Name, r.Key, r.Optional)
				}
				if r := e.ValueFrom.ConfigMapKeyRef; r != nil {
					add("ConfigMap", r.Name, r.Key, r.Optional)
				}
			}
			for _, e := range c.EnvFrom {
				if r := e.SecretRef; r != nil {
					add("Secret", r.Name, "", r.Optional)
				}
				if r := e.ConfigMapRef; r != nil {
					add("ConfigMap", r.Name, "", r.Optional)
				}
			}
		}
		for _, s := range ps.PullSecrets {
			add("Secret", s.Name, "", false)
		}
	}
	switch o.GetKind() {
	case "Prometheus", "Alertmanager":
		var spec struct {
			Secrets                       []string `json:"secrets"`
			ConfigMaps                    []string `json:"configMaps"`
			ConfigSecret                  string   `json:"configSecret"`
			AdditionalScrapeConfigs       *keyRef  `json:"additionalScrapeConfigs"`
			AdditionalAlertManagerConfigs *keyRef  `json:"additionalAlertManagerConfigs"`
			AdditionalAlertRelabelConfigs *keyRef  `json:"additionalAlertRelabelConfigs"`
			RemoteWrite                   []struct {
				BasicAuth *struct {
					Username *keyRef `json:"username"`
					Password *keyRef `json:"password"`
				} `json:"basicAuth"`
			} `json:"remoteWrite"`
		}
		if err := remarshal(o.Object["spec"], &spec); err != nil {
			t.Fatalf("%s: %v", o, err)
		}
		for _, s := range spec.Secrets {
			add("Secret", s, "", false)
		}
		for _, c := range spec.ConfigMaps {
			add("ConfigMap", c, "", false)
		}
		add("Secret", spec.ConfigSecret, "", false)
		for _, r := range []*keyRef{spec.AdditionalScrapeConfigs, spec.AdditionalAlertManagerConfigs, spec.AdditionalAlertRelabelConfigs} {
			if r != nil {
				add("Secret", r.Name, r.Key, r.Optional)
			}
		}
		for _, rw := range spec.RemoteWrite {
			if rw.BasicAuth == nil {
				continue
			}
			for _, r := range []*keyRef{rw.BasicAuth.Username, rw.BasicAuth.Password} {
				if r != nil {
					add("Secret", r.Name, r.Key, r.Optional)
				}
			}
		}
	}
	return out
}

// installJobSecrets returns the Secrets a chart's install Jobs create:
// kube-prometheus-stack's admission webhook certificate, made by
// kube-webhook-certgen `create --secret-name=<name> --namespace=<ns>`
// (charts/kube-prometheus-stack/templates/prometheus-operator/admission-webhooks/job-patch/job-createSecret.yaml).
func installJobSecrets(t *testing.T, objs []*harness.Object) map[string]string {
	t.Helper()
	out := map[string]string{} // namespace/name → Job
	for _, o := range objs {
		if o.GetKind() != "Job" {
			continue
		}
		var cs []container
		if err := remarshal(field(o.Object, "spec", "template", "spec", "containers"), &cs); err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if !slices.Contains(c.Args, "create") {
				continue
			}
			var name, ns string
			for _, a := range c.Args {
				if v, ok := strings.CutPrefix(a, "--secret-name="); ok {
					name = v
				}
				if v, ok := strings.CutPrefix(a, "--namespace="); ok {
					ns = v
				}
			}
			if name != "" && ns != "" {
				out[ns+"/"+name] = o.String()
			}
		}
	}
	return out
}

// checkReferences: every Secret and ConfigMap (and key) that a rendered
// object reads exists — rendered by a chart of the overlay, made by the
// overlay, created by a chart's install Job — or is listed in SECRETS.md
// (secrets.Required) with that key, for the user to create; an optional
// one may be absent. And SECRETS.md lists nothing that nothing reads.
func checkReferences(t *testing.T, d *deployment) {
	var objs []*harness.Object
	objs = append(objs, d.Rendered()...)
	objs = append(objs, d.Stack.Objects...)
	objs = append(objs, d.Config.Objects...)
	jobSecrets := installJobSecrets(t, d.Rendered())
	required := secrets.Required(d.Spec)
	used := map[string]bool{} // required secret/key read by something

	var refs []objectRef
	for _, o := range d.Rendered() {
		refs = append(refs, objectRefs(t, o)...)
	}
	// Alertmanager reads each *_file of its config from a mounted Secret.
	am, router := renderedAlertmanagerConfig(t, d)
	for _, f := range alertmanagerFiles(t, router) {
		if rest, ok := strings.CutPrefix(f, stack.AlertmanagerSecretsDir+"/"); ok {
			if secret, key, ok := strings.Cut(rest, "/"); ok {
				refs = append(refs, objectRef{"Secret", am.GetNamespace(), secret, key, false, am.String() + " config " + f})
			}
		}
	}
	if len(refs) == 0 {
		t.Fatal("no rendered object reads a Secret or ConfigMap: the walk is broken")
	}
	seen := map[objectRef]bool{}
	for _, r := range refs {
		if seen[r] {
			continue // one container per sidecar reads the same key
		}
		seen[r] = true
		if msg := refProblem(objs, jobSecrets, required, d.Spec.Stack.Namespace, r, used); msg != "" {
			t.Errorf("%s reads %s: %s", r.By, r, msg)
		}
	}
	for _, s := range required {
		for _, k := range s.Keys {
			if !used[s.Name+"/"+k.Name] {
				t.Errorf("%s lists Secret %s key %s (%s), which no rendered object reads", secrets.Path, s.Name, k.Name, strings.Join(k.UsedBy, "; "))
			}
		}
	}
}

// refProblem says why r cannot be read, or "".
func refProblem(objs []*harness.Object, jobSecrets map[string]string, required []secrets.Secret, stackNS string, r objectRef, used map[string]bool) string {
	for _, o := range objs {
		if o.GetKind() != r.Kind || o.GetName() != r.Name || o.GetNamespace() != r.Namespace {
			continue
		}
		if r.Key == "" {
			return ""
		}
		data, err := objectData(o)
		if err != nil {
			return err.Error()
		}
		if _, ok := data[r.Key]; ok || r.Optional {
			return ""
		}
		return fmt.Sprintf("%s has no key %s", o, r.Key)
	}
	if r.Kind == "Secret" {
		if _, ok := jobSecrets[r.Namespace+"/"+r.Name]; ok && r.Key == "" {
			return "" // created at install by the chart's Job
		}
		if sec, ok := secrets.Find(required, r.Name); ok && r.Namespace == stackNS {
			if r.Key == "" {
				for _, k := range sec.Keys {
					used[sec.Name+"/"+k.Name] = true
				}
				return ""
			}
			if _, ok := sec.Key(r.Key); ok {
				used[sec.Name+"/"+r.Key] = true
				return ""
			}
			if r.Optional {
				return ""
			}
			return fmt.Sprintf("%s lists Secret %s without key %s", secrets.Path, r.Name, r.Key)
		}
	}
	if r.Optional {
		return ""
	}
	return "nothing makes it: no chart renders it, the overlay does not make it, and " + secrets.Path + " does not list it for the user to create"
}
