package controllers_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	prommodel "github.com/prometheus/common/model"

	"github.com/dataopsgen/dataopsgen/internal/controllers"
	"github.com/dataopsgen/dataopsgen/schema"
)

// The schema's enum of training.controller is the registry's names, the
// default first.
func TestSchemaNamesTheControllers(t *testing.T) {
	m := regexp.MustCompile(`(?m)^\s*controller: (\*?"[a-z]+"(?: \| "[a-z]+")*)\s*$`).FindSubmatch(schema.Source)
	if m == nil {
		t.Fatal("no controller enum in schema.cue")
	}
	var names []string
	for _, q := range regexp.MustCompile(`"([a-z]+)"`).FindAllSubmatch(m[1], -1) {
		names = append(names, string(q[1]))
	}
	if !strings.HasPrefix(string(m[1]), `*"`+controllers.Default+`"`) {
		t.Errorf("schema default %s, registry default %q", m[1], controllers.Default)
	}
	slices.Sort(names)
	if !slices.Equal(names, controllers.Names()) {
		t.Errorf("schema names %v, registry %v", names, controllers.Names())
	}
}

// Each controller's data is complete and consistent: its states read
// series its object has, with values the object can take; its names are
// valid and collide with no label kube-state-metrics sets.
func TestControllerData(t *testing.T) {
	reserved := []string{controllers.LabelGroup, controllers.LabelVersion, controllers.LabelKind, "namespace", "job", "instance",
		controllers.ConditionLabel, controllers.PhaseLabel}
	prefixes := map[string]string{}
	for _, c := range controllers.All() {
		o := c.Object
		if c.Title == "" || len(c.Sources) == 0 || o.Group == "" || o.Version == "" || o.Kind == "" || o.Resource == "" {
			t.Errorf("%s: incomplete: %+v", c.Name, c)
		}
		if !prommodel.LabelName(o.NameLabel).IsValidLegacy() || slices.Contains(reserved, o.NameLabel) || strings.HasPrefix(o.NameLabel, "label_") {
			t.Errorf("%s: name label %q is invalid or taken", c.Name, o.NameLabel)
		}
		if o.Native != (o.CRS == nil) {
			t.Errorf("%s: native %v but CRS %v", c.Name, o.Native, o.CRS)
		}
		if o.CRS != nil {
			if other, dup := prefixes[o.CRS.Prefix]; dup {
				t.Errorf("%s: metric prefix %q is %s's too", c.Name, o.CRS.Prefix, other)
			}
			prefixes[o.CRS.Prefix] = c.Name
			if o.LabelsMetric != o.CRS.InfoMetric() {
				t.Errorf("%s: labels metric %s, its info series is %s", c.Name, o.LabelsMetric, o.CRS.InfoMetric())
			}
		}
		checkState(t, c, "failed", &c.Failed)
		if c.Running != nil {
			checkState(t, c, "running", c.Running)
		}
		if n := c.Retries; n != nil && n.Metric == "" {
			if o.CRS == nil || !slices.ContainsFunc(o.CRS.Counts, func(f controllers.CountField) bool { return f.Name == n.Field }) {
				t.Errorf("%s: retries read count %q the object does not have", c.Name, n.Field)
			}
		}
		for _, m := range c.OwnMetrics {
			if m.Name == "" || m.Note == "" || !strings.Contains(m.Source, "@") {
				t.Errorf("%s: own metric %+v lacks a name, note or source", c.Name, m)
			}
		}
	}
}

func checkState(t *testing.T, c *controllers.Controller, what string, s *controllers.State) {
	t.Helper()
	if len(s.Values) == 0 {
		t.Errorf("%s: %s state has no value", c.Name, what)
	}
	switch s.From {
	case controllers.FromMetric:
		if s.Metric == "" || s.Label == "" {
			t.Errorf("%s: %s state names no series", c.Name, what)
		}
	case controllers.FromConditions:
		if c.Object.CRS == nil || !c.Object.CRS.Conditions {
			t.Errorf("%s: %s state reads conditions the object's metrics lack", c.Name, what)
		}
	case controllers.FromPhase:
		p := c.Object.CRS.Phase
		if p == nil {
			t.Fatalf("%s: %s state reads a phase the object's metrics lack", c.Name, what)
		}
		for _, v := range s.Values {
			if !slices.Contains(p.States, v) {
				t.Errorf("%s: %s state %q is not one of the phases %v", c.Name, what, v, p.States)
			}
		}
	}
}

// The config of every controller and Kueue: one resource per kind
// (kube-state-metrics exits on two entries of one kind), metric names
// unique, an RBAC rule per resource, the _info series carrying exactly the
// label keys asked for, and SeriesOf listing each series with its labels.
func TestConfig(t *testing.T) {
	var uses []controllers.Use
	for _, c := range controllers.All() {
		uses = append(uses, controllers.Use{Controller: c, LabelKeys: []string{"app.kubernetes.io/component", "team"}})
	}
	cfg, rbac, ok := controllers.Config(uses, true)
	if !ok || cfg.Kind != "CustomResourceStateMetrics" {
		t.Fatalf("config %v, ok %v", cfg, ok)
	}
	kinds, names := map[string]bool{}, map[string]bool{}
	for _, r := range cfg.Spec.Resources {
		k := r.GroupVersionKind.Group + "/" + r.GroupVersionKind.Kind
		if kinds[k] {
			t.Errorf("two resources of kind %s", k)
		}
		kinds[k] = true
		for _, m := range r.Metrics {
			if names[m.Name] {
				t.Errorf("two metrics named %s", m.Name)
			}
			names[m.Name] = true
			if n := 0 + b(m.Each.Gauge != nil) + b(m.Each.Info != nil) + b(m.Each.StateSet != nil); n != 1 || m.Each.Type == "" {
				t.Errorf("%s: type %q with %d bodies", m.Name, m.Each.Type, n)
			}
		}
	}
	// Every CRS controller and Kueue; the Job is native.
	if want := len(controllers.All()) - 1 + 1; len(cfg.Spec.Resources) != want || len(rbac) != want {
		t.Errorf("%d resources, %d RBAC rules, want %d", len(cfg.Spec.Resources), len(rbac), want)
	}
	for _, s := range controllers.SeriesOf(cfg) {
		if strings.HasSuffix(s.Name, "_info") && !strings.Contains(s.Name, "kueue") {
			if !slices.Contains(s.Labels, "label_app_kubernetes_io_component") || !slices.Contains(s.Labels, "label_team") {
				t.Errorf("%s: labels %v lack the label keys", s.Name, s.Labels)
			}
		}
		for _, l := range []string{controllers.LabelGroup, controllers.LabelVersion, controllers.LabelKind, "namespace"} {
			if !slices.Contains(s.Labels, l) {
				t.Errorf("%s: labels %v lack %s", s.Name, s.Labels, l)
			}
		}
	}
	if _, _, ok := controllers.Config([]controllers.Use{{Controller: controllers.Job}}, false); ok {
		t.Error("a Job alone needs no custom-resource-state config")
	}
}

func b(v bool) int {
	if v {
		return 1
	}
	return 0
}
