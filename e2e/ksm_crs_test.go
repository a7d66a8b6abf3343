package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql/promqltest"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/controllers"
	specmodel "github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// controllersSpec has one training workload per controller, each with
// Kueue where Kueue manages it, one of them with a second selector key.
func controllersSpec() string {
	var b strings.Builder
	b.WriteString("workloads: {\n")
	for _, c := range controllers.All() {
		sel := ""
		if c.Name == "trainjob" {
			sel = `selector: team: "nlp", `
		}
		fmt.Fprintf(&b, "\t%q: {kind: \"training\", namespace: \"ml\", %straining: {controller: %q, kueue: enabled: %v}}\n", "w-"+c.Name, sel, c.Name, c.Kueue)
	}
	b.WriteString("}\n")
	return b.String()
}

// ksmSeries is one series kube-state-metrics exports.
type ksmSeries struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
	Value  float64           `json:"value"`
}

func (s ksmSeries) key() string {
	ls := make([]string, 0, len(s.Labels))
	for _, k := range slices.Sorted(maps.Keys(s.Labels)) {
		ls = append(ls, fmt.Sprintf("%s=%q", k, s.Labels[k]))
	}
	return s.Name + "{" + strings.Join(ls, ", ") + "}"
}

// TestTrainingControllersOnKubeStateMetrics runs kube-state-metrics' own
// custom-resource-state code (tools/ksm-crs: kube-state-metrics v2.20.0,
// the version of the pinned chart) on the config dataopsgen generates for
// every controller and Kueue, and on objects of each controller written as
// the controllers write them (internal/controllers' sources): a run going
// well, then failed and retried, and a second run Kueue does not admit. The
// series it exports carry exactly the labels the catalog and the rule tests
// give them, and the generated alerts' expressions, evaluated by
// Prometheus's engine on them, return the failed and retried runs and the
// unadmitted one (and nothing while all is well).
func TestTrainingControllersOnKubeStateMetrics(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := harness.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	tool, err := harness.BuildTool(ctx, root, bin, harness.Tool{Module: "ksm-crs", Package: ".", Name: "ksm-crs"}, t.Logf)
	if err != nil {
		t.Fatalf("cannot build kube-state-metrics' custom-resource-state code (tools/ksm-crs): %v", err)
	}
	s := modeltest.Inline(t, controllersSpec())
	cfg, _, ok := promstack.CRSConfig(s)
	if !ok {
		t.Fatal("no custom-resource-state config")
	}
	data, err := artifact.YAML(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// What the catalog (and the rule tests) say each series carries.
	want := map[string][]string{}
	for _, sr := range controllers.SeriesOf(cfg) {
		want[sr.Name] = sr.Labels
	}

	var healthy, broken []ksmSeries
	for i, snapshot := range []bool{false, true} {
		var docs []string
		for _, w := range s.Workloads {
			docs = append(docs, runObjects(t, w, snapshot)...)
		}
		f := filepath.Join(dir, fmt.Sprintf("objects-%d.yaml", i))
		if err := os.WriteFile(f, []byte(strings.Join(docs, "\n---\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.CommandContext(ctx, tool, cfgFile, f).Output()
		if err != nil {
			t.Fatalf("ksm-crs: %v", err)
		}
		var got []ksmSeries
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			var sr ksmSeries
			if err := json.Unmarshal(sc.Bytes(), &sr); err != nil {
				t.Fatal(err)
			}
			got = append(got, sr)
			labels := slices.Sorted(maps.Keys(sr.Labels))
			if w, ok := want[sr.Name]; !ok || !slices.Equal(labels, w) {
				t.Errorf("kube-state-metrics exports %s, the catalog says %v", sr.key(), w)
			}
		}
		if snapshot {
			broken = got
		} else {
			healthy = got
		}
	}

	// The series as Prometheus stores them: 30 one-minute samples of the
	// healthy objects, then 30 of the broken ones (a series of the broken
	// objects only starts then).
	values := map[string][2]string{}
	for i, set := range [][]ksmSeries{healthy, broken} {
		for _, sr := range set {
			v := values[sr.key()]
			v[i] = fmt.Sprintf("%gx29", sr.Value)
			values[sr.key()] = v
		}
	}
	var load strings.Builder
	load.WriteString("load 1m\n")
	for _, k := range slices.Sorted(maps.Keys(values)) {
		v := values[k]
		if v[0] == "" {
			v[0] = "_x30"
		} else {
			v[0] = strings.Replace(v[0], "x29", "x30", 1)
		}
		if v[1] == "" {
			v[1] = "_x29"
		}
		fmt.Fprintf(&load, "  %s %s %s\n", k, v[0], v[1])
	}
	storage := promqltest.LoadedStorage(t, load.String())
	engine := promqltest.NewTestEngine(t, false, 5*time.Minute, 100000)
	eval := func(expr string, at time.Duration) []map[string]string {
		q, err := engine.NewInstantQuery(ctx, storage, nil, expr, time.Unix(0, 0).Add(at))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		res := q.Exec(ctx)
		vec, err := res.Vector()
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		var out []map[string]string
		for _, smpl := range vec {
			out = append(out, smpl.Metric.Map())
		}
		return out
	}

	for _, w := range s.Workloads {
		c := rules.Controller(w)
		o := c.Object
		exprs := map[string]string{}
		for _, r := range rules.WorkloadGroup(s, w).Rules {
			exprs[r.Alert] = r.Expr.String()
		}
		check := func(alert, label, value string) {
			t.Helper()
			expr, ok := exprs[alert]
			if !ok {
				return
			}
			if got := eval(expr, 29*time.Minute); len(got) != 0 {
				t.Errorf("%s %s: %v while all is well", w.Name, alert, got)
			}
			got := eval(expr, 45*time.Minute)
			if len(got) != 1 || got[0][label] != value || got[0]["namespace"] != w.Namespace {
				t.Errorf("%s %s: %v, want {namespace=%q, %s=%q}", w.Name, alert, got, w.Namespace, label, value)
			}
		}
		// The Job's own series (kube_job_*) are kube-state-metrics'
		// built-in ones, not this code's.
		if !o.Native {
			check(rules.TrainingJobFailed, o.NameLabel, w.Name+"-run-1")
			check(rules.TrainingJobRetried, o.NameLabel, w.Name+"-run-1")
			check(rules.TrainingRunNotAdmitted, controllers.OwnerNameLabel, w.Name+"-run-2")
		}
	}
}

// runObjects are the objects of w's runs as its controller writes them:
// run 1 going well, or failed after two retries; with Kueue, its admitted
// Workload and, when broken, a second run whose Workload waits. The Job is
// kube-state-metrics' own (not custom-resource state): only its Kueue
// Workload is written.
func runObjects(t *testing.T, w *specmodel.Workload, broken bool) []string {
	c := rules.Controller(w)
	o := c.Object
	labels := map[string]any{}
	for k, v := range w.Selector {
		labels[k] = v
	}
	object := func(name string, status map[string]any) map[string]any {
		return map[string]any{
			"apiVersion": o.APIVersion(), "kind": o.Kind,
			"metadata": map[string]any{"name": name, "namespace": w.Namespace, "labels": labels},
			"status":   status,
		}
	}
	var docs []map[string]any
	if !o.Native {
		status := map[string]any{}
		state := c.Running
		if broken {
			state = &c.Failed
		}
		if state != nil {
			switch state.From {
			case controllers.FromConditions:
				status["conditions"] = []any{map[string]any{"type": state.Values[0], "status": "True", "reason": "Test"}}
			case controllers.FromPhase:
				setPath(status, o.CRS.Phase.Path[1:], state.Values[0])
			}
		}
		for _, n := range o.CRS.Counts {
			if broken {
				setPath(status, n.Path[1:], int64(2))
			}
		}
		docs = append(docs, object(w.Name+"-run-1", status))
		if broken {
			docs = append(docs, object(w.Name+"-run-2", map[string]any{}))
		}
	}
	if w.Training.Kueue.Enabled && c.Kueue {
		workload := func(run string, admitted bool) map[string]any {
			conds := []any{map[string]any{"type": "QuotaReserved", "status": "False", "reason": "Pending"}}
			if admitted {
				conds = []any{
					map[string]any{"type": "QuotaReserved", "status": "True", "reason": "QuotaReserved"},
					map[string]any{"type": "Admitted", "status": "True", "reason": "Admitted"},
				}
			}
			k := controllers.Kueue.Object
			return map[string]any{
				"apiVersion": k.APIVersion(), "kind": k.Kind,
				"metadata": map[string]any{
					"name": strings.ToLower(o.Kind) + "-" + run + "-1a2b3", "namespace": w.Namespace,
					"ownerReferences": []any{map[string]any{"apiVersion": o.APIVersion(), "kind": o.Kind, "name": run, "uid": "u-" + run, "controller": true}},
				},
				"spec":   map[string]any{"queueName": "training"},
				"status": map[string]any{"conditions": conds},
			}
		}
		docs = append(docs, workload(w.Name+"-run-1", true))
		if broken {
			docs = append(docs, workload(w.Name+"-run-2", false))
		}
	}
	var out []string
	for _, d := range docs {
		b, err := yaml.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// setPath sets m[path...] = v, making the maps on the way.
func setPath(m map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}
