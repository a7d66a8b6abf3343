package dashboards

import (
	"slices"
	"strconv"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// titles maps every panel id of d (rows and the panels of collapsed rows
// included) to its title.
func titles(t *testing.T, d *dashboard.Dashboard) map[uint32]string {
	t.Helper()
	out := map[uint32]string{}
	add := func(id *uint32, title *string) {
		if id == nil || title == nil {
			t.Fatalf("panel without id or title: %v %v", id, title)
		}
		if _, dup := out[*id]; dup {
			t.Fatalf("panel id %d twice", *id)
		}
		out[*id] = *title
	}
	for _, p := range d.Panels {
		switch {
		case p.Panel != nil:
			add(p.Panel.Id, p.Panel.Title)
		case p.RowPanel != nil:
			add(&p.RowPanel.Id, p.RowPanel.Title)
			for _, q := range p.RowPanel.Panels {
				add(q.Id, q.Title)
			}
		}
	}
	return out
}

// objects generates s's dashboards and returns their typed values, which
// must be what their bytes hold.
func objects(t *testing.T, s *model.Spec) []*Object {
	t.Helper()
	files, err := generate(s)
	if err != nil {
		t.Fatal(err)
	}
	var out []*Object
	for _, f := range files {
		o, ok := f.Value.(*Object)
		if !ok {
			t.Fatalf("%s carries %T, not a *Object", f.Path, f.Value)
		}
		if data, err := artifact.JSON(o.Dashboard); err != nil || string(data) != string(f.Data) || o.Path != f.Path {
			t.Fatalf("%s: the typed value is not what the file holds (%v)", f.Path, err)
		}
		out = append(out, o)
	}
	return out
}

// TestExtraPanelsCarryTheirPath: each of the user's extraPanels is, by
// panel id, the panel made from it, marked User; no other panel is.
func TestExtraPanelsCarryTheirPath(t *testing.T) {
	for name, s := range map[string]*model.Spec{
		"synthetic": modeltest.Synthetic(t, 30),
		"panels alone": loadInline(t, `extraPanels: [
	{title: "Same title", expr: "up"},
	{title: "Same title", expr: "sum(up)"},
	{title: "Logs", datasource: "loki", type: "logs", expr: "{namespace=\"ml\"}"},
]`),
	} {
		if len(s.ExtraPanels) == 0 {
			t.Fatalf("%s: no extraPanels", name)
		}
		o := objects(t, s)[0]
		titles := titles(t, &o.Dashboard)
		user := 0
		for _, src := range o.Panels {
			if src.User {
				user++
			}
		}
		if user != len(s.ExtraPanels) {
			t.Errorf("%s: %d panels of the user's, want the %d extraPanels", name, user, len(s.ExtraPanels))
		}
		for i, ep := range s.ExtraPanels {
			path := load.PathString("extraPanels", strconv.Itoa(i))
			var ids []uint32
			for id, src := range o.Panels {
				if src.User && slices.Equal(src.Paths, []string{path}) {
					ids = append(ids, id)
				}
			}
			if len(ids) != 1 || titles[ids[0]] != ep.Title {
				t.Errorf("%s: %s is panel ids %v, want one titled %q", name, path, ids, ep.Title)
			}
		}
	}
}

// sloSpec has two SLOs (and the workload they are about).
const sloSpec = `
stack: prometheus: retention: "30d"
workloads: api: {kind: "inference", namespace: "serving", inference: models: ["m"]}
slos: {
	b: {workload: "api", objective: 99.9, sli: availability: {}}
	a: {workload: "api", objective: 99, sli: availability: {}}
}`

// TestEveryPanelShowsItsSpec: every panel of every dashboard, rows
// included, names the spec paths it shows: at least one, each a workload,
// SLO or extraPanels entry of the spec, in spec order, without repeats.
func TestEveryPanelShowsItsSpec(t *testing.T) {
	for name, s := range map[string]*model.Spec{
		"synthetic": modeltest.Synthetic(t, 30),
		"groups":    loadInline(t, groupsSpec),
		"slos":      loadInline(t, sloSpec),
	} {
		order := map[string]int{"extraPanels": -1}
		for i, w := range s.Workloads {
			order[w.Path()] = i
		}
		for i, o := range s.SLOs {
			order[o.Path()] = i
		}
		for i := range s.ExtraPanels {
			order[load.PathString("extraPanels", strconv.Itoa(i))] = i
		}
		for _, o := range objects(t, s) {
			titles := titles(t, &o.Dashboard)
			if len(o.Panels) != len(titles) {
				t.Errorf("%s: %s: %d panels carry a source, want all %d", name, o.Path, len(o.Panels), len(titles))
			}
			for id, title := range titles {
				src := o.Panels[id]
				if len(src.Paths) == 0 {
					t.Errorf("%s: %s: panel %q shows nothing of the spec", name, o.Path, title)
				}
				last := -2
				for _, p := range src.Paths {
					i, ok := order[p]
					if !ok || i <= last {
						t.Errorf("%s: %s: panel %q: %v is not spec paths in spec order", name, o.Path, title, src.Paths)
						break
					}
					last = i
				}
			}
		}
	}
}

// TestGroupPanelsNameTheirWorkloads: a panel of a group of workloads names
// exactly the group's, in spec order; a panel of every workload names all;
// the SLO dashboard's panels name every SLO.
func TestGroupPanelsNameTheirWorkloads(t *testing.T) {
	paths := func(names ...string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = load.PathString("workloads", n)
		}
		return out
	}
	s := loadInline(t, groupsSpec)
	var all []string
	for _, w := range s.Workloads {
		all = append(all, w.Path())
	}
	want := map[string][]string{
		"Loss: loss":            paths("t1", "t2"),
		"Loss: train_loss":      paths("t3"),
		"Job runs failed":       paths("t1", "t2", "t3", "t4"),
		"Requests: other_total": paths("d"),
		"P90 latency: inference_request_duration_seconds": paths("a", "b"),
		"Resources": all,
		"CPU usage": all,
		"Inference": paths("a", "b", "c", "d", "e", "f", "g"),
		"P95 latency: inference_request_duration_seconds by model": paths("d"),
	}
	checkSources(t, objects(t, s)[0], want)

	s = loadInline(t, sloSpec)
	slos := []string{load.PathString("slos", "a"), load.PathString("slos", "b")}
	checkSources(t, objects(t, s)[1], map[string][]string{
		"Compliance":                     slos,
		"Error budget remaining":         slos,
		"Burn-rate alerts firing":        slos,
		"SLI over the compliance window": slos,
	})
}

func checkSources(t *testing.T, o *Object, want map[string][]string) {
	t.Helper()
	seen := map[string]bool{}
	for id, title := range titles(t, &o.Dashboard) {
		w, ok := want[title]
		if !ok {
			continue
		}
		seen[title] = true
		if got := o.Panels[id].Paths; !slices.Equal(got, w) {
			t.Errorf("%s: panel %q shows %v, want %v", o.Path, title, got, w)
		}
	}
	for title := range want {
		if !seen[title] {
			t.Errorf("%s: no panel %q", o.Path, title)
		}
	}
}
