package dashboards

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestExtraPanelsCarryTheirPath: the overview's Provenance maps each of the
// user's extraPanels, by panel id, to its spec path — the panel with that
// id is the one made from it — and maps nothing else.
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
		files, err := generate(s)
		if err != nil {
			t.Fatal(err)
		}
		f := files[0]
		prov, ok := f.Value.(*Provenance)
		if !ok {
			t.Fatalf("%s: %s carries %T, not a *Provenance", name, f.Path, f.Value)
		}
		var d struct {
			Panels []struct {
				ID     uint32 `json:"id"`
				Title  string `json:"title"`
				Panels []struct {
					ID    uint32 `json:"id"`
					Title string `json:"title"`
				} `json:"panels"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(f.Data, &d); err != nil {
			t.Fatal(err)
		}
		titles := map[uint32]string{}
		for _, p := range d.Panels {
			titles[p.ID] = p.Title
			for _, q := range p.Panels {
				titles[q.ID] = q.Title
			}
		}
		if len(prov.Panels) != len(s.ExtraPanels) {
			t.Errorf("%s: %d panels with a path of their own, want the %d extraPanels", name, len(prov.Panels), len(s.ExtraPanels))
		}
		for i, ep := range s.ExtraPanels {
			path := load.PathString("extraPanels", strconv.Itoa(i))
			var ids []uint32
			for id, p := range prov.Panels {
				if p == path {
					ids = append(ids, id)
				}
			}
			if len(ids) != 1 || titles[ids[0]] != ep.Title {
				t.Errorf("%s: %s is panel ids %v, want one titled %q", name, path, ids, ep.Title)
			}
		}
	}
}
