package render

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/grafana/alloy/syntax/ast"
	alloyparser "github.com/grafana/alloy/syntax/parser"
	"github.com/grafana/alloy/syntax/vm"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
)

// checkLokiClients: Grafana's Loki datasource and the log collector's push
// endpoints (Alloy's loki.write, Promtail's clients, each as the chart
// mounts its config) name a Service the loki chart renders, on one of its
// ports, and that Service selects a pod template the loki chart renders.
func checkLokiClients(t *testing.T, d *deployment) {
	loki := d.Release(t, "loki")
	type client struct{ who, url, namespace string }
	var clients []client

	for _, ds := range provisionedDatasources(t, d) {
		if ds.Type == "loki" {
			clients = append(clients, client{"Grafana datasource " + ds.Name, ds.URL, ds.Namespace})
		}
	}

	switch {
	case d.HasRelease("alloy"):
		ds, _ := findContainer(t, d.Release(t, "alloy").Rendered.Objects, "DaemonSet", "alloy")
		cm := mounted(t, ds, "config", "ConfigMap")
		text, err := dataOf(d.Stack.Objects, "ConfigMap", ds.GetNamespace(), cm, "config.alloy")
		if err != nil {
			t.Fatalf("Alloy's config: %v", err)
		}
		for _, u := range alloyWriteURLs(t, text) {
			clients = append(clients, client{"Alloy loki.write endpoint", u, ds.GetNamespace()})
		}
	case d.HasRelease("promtail"):
		ds, _ := findContainer(t, d.Release(t, "promtail").Rendered.Objects, "DaemonSet", "promtail")
		secret := mounted(t, ds, "config", "Secret")
		text, err := dataOf(d.Rendered(), "Secret", ds.GetNamespace(), secret, "promtail.yaml")
		if err != nil {
			t.Fatalf("Promtail's config: %v", err)
		}
		var cfg struct {
			Clients []struct{ URL string } `json:"clients"`
		}
		if err := yaml.Unmarshal([]byte(text), &cfg); err != nil {
			t.Fatal(err)
		}
		for _, c := range cfg.Clients {
			clients = append(clients, client{"Promtail client", c.URL, ds.GetNamespace()})
		}
	default:
		t.Fatal("the overlay installs no log collector")
	}
	if len(clients) < 2 {
		t.Fatalf("found %d Loki clients, want Grafana's and the collector's: %v", len(clients), clients)
	}
	for _, c := range clients {
		if msg := serviceProblem(t, loki.Rendered, c.url, c.namespace); msg != "" {
			t.Errorf("%s %s: %s", c.who, c.url, msg)
		}
	}
}

// serviceProblem says why rawURL does not reach a Service of r (a pod
// resolves <svc>, <svc>.<ns>, <svc>.<ns>.svc and <svc>.<ns>.svc.cluster.local
// from namespace from), or "".
func serviceProblem(t *testing.T, r *harness.Rendered, rawURL, from string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return "not a URL"
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if net.ParseIP(host) != nil {
		return "an IP address, not a Service"
	}
	parts := strings.Split(strings.TrimSuffix(host, ".svc.cluster.local"), ".")
	if len(parts) == 3 && parts[2] == "svc" {
		parts = parts[:2]
	}
	name, namespace := parts[0], from
	switch len(parts) {
	case 1:
	case 2:
		namespace = parts[1]
	default:
		return "not a Service name in the cluster"
	}
	svc, ok := r.Find("Service", name)
	if !ok || svc.GetNamespace() != namespace {
		var have []string
		for _, s := range r.OfKind("Service") {
			have = append(have, s.GetNamespace()+"/"+s.GetName())
		}
		return "the loki chart renders no Service " + namespace + "/" + name + " (it renders " + strings.Join(have, ", ") + ")"
	}
	var spec struct {
		Selector map[string]string `json:"selector"`
		Ports    []struct {
			Port int `json:"port"`
		} `json:"ports"`
	}
	if err := remarshal(svc.Object["spec"], &spec); err != nil {
		t.Fatal(err)
	}
	var ports []string
	found := false
	for _, p := range spec.Ports {
		ports = append(ports, strconv.Itoa(p.Port))
		found = found || strconv.Itoa(p.Port) == port
	}
	if !found {
		return "Service " + name + " has ports " + strings.Join(ports, ", ") + ", not " + port
	}
	sel := labels.SelectorFromSet(spec.Selector)
	for _, o := range r.Objects {
		switch o.GetKind() {
		case "Deployment", "StatefulSet", "DaemonSet":
			tl, _ := field(o.Object, "spec", "template", "metadata", "labels").(map[string]any)
			set := labels.Set{}
			for k, v := range tl {
				set[k], _ = v.(string)
			}
			if len(spec.Selector) > 0 && sel.Matches(set) {
				return ""
			}
		}
	}
	return "Service " + name + " selects no pod the loki chart renders (selector " + sel.String() + ")"
}

// volumeSource returns the named volume of a workload's pod.
func volumeSource(t *testing.T, o *harness.Object, volume string) map[string]any {
	t.Helper()
	vols, _ := field(o.Object, "spec", "template", "spec", "volumes").([]any)
	for _, v := range vols {
		m, _ := v.(map[string]any)
		if m["name"] == volume {
			return m
		}
	}
	t.Fatalf("%s has no volume %s", o, volume)
	return nil
}

// mounted returns the name of the ConfigMap or Secret (kind) a workload's
// pod mounts as volume.
func mounted(t *testing.T, o *harness.Object, volume, kind string) string {
	t.Helper()
	path := map[string][]string{"ConfigMap": {"configMap", "name"}, "Secret": {"secret", "secretName"}}[kind]
	name := str(volumeSource(t, o, volume), path...)
	if name == "" {
		t.Fatalf("volume %s of %s is not a %s", volume, o, kind)
	}
	return name
}

// alloyWriteURLs returns the url of every endpoint of every loki.write
// block, parsed and evaluated with Alloy's own syntax packages.
func alloyWriteURLs(t *testing.T, text string) []string {
	t.Helper()
	f, err := alloyparser.ParseFile("config.alloy", []byte(text))
	if err != nil {
		t.Fatalf("config.alloy: %v", err)
	}
	var urls []string
	for _, st := range f.Body {
		b, ok := st.(*ast.BlockStmt)
		if !ok || strings.Join(b.Name, ".") != "loki.write" {
			continue
		}
		for _, st := range b.Body {
			e, ok := st.(*ast.BlockStmt)
			if !ok || strings.Join(e.Name, ".") != "endpoint" {
				continue
			}
			for _, st := range e.Body {
				if a, ok := st.(*ast.AttributeStmt); ok && a.Name.Name == "url" {
					var u string
					if err := vm.New(a.Value).Evaluate(nil, &u); err != nil {
						t.Fatalf("loki.write %s endpoint url: %v", b.Label, err)
					}
					urls = append(urls, u)
				}
			}
		}
	}
	if len(urls) == 0 {
		t.Fatal("config.alloy has no loki.write endpoint")
	}
	return urls
}
