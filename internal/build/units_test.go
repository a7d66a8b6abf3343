package build

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/synth"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

// countedUnits counts what the cache gives back.
type countedUnits struct {
	cachedUnits
	hits, misses atomic.Int64
}

func (u *countedUnits) Load(kind string, inputs []byte) ([]artifact.File, bool) {
	files, ok := u.cachedUnits.Load(kind, inputs)
	if ok {
		u.hits.Add(1)
	} else {
		u.misses.Add(1)
	}
	return files, ok
}

// specEdit is one change a user could make, applied to a decoded spec.
type specEdit struct {
	name string
	// settings: the edit changes what every unit reads (a round with one
	// may find nothing in the cache).
	settings bool
	apply    func(s *model.Spec, r *rand.Rand) bool // false: does not apply to s
}

func someWorkload(s *model.Spec, r *rand.Rand, ok func(*model.Workload) bool) *model.Workload {
	var ws []*model.Workload
	for _, w := range s.Workloads {
		if ok == nil || ok(w) {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return nil
	}
	return ws[r.IntN(len(ws))]
}

func pick(r *rand.Rand, xs ...string) string { return xs[r.IntN(len(xs))] }

// specEdits change workloads (each should miss its unit only) and the
// settings every unit reads (each should miss them all).
var specEdits = []specEdit{
	{"latency for", false, func(s *model.Spec, r *rand.Rand) bool {
		w := someWorkload(s, r, func(w *model.Workload) bool { return w.Inference != nil && w.Inference.Latency.Enabled })
		if w == nil {
			return false
		}
		w.Inference.Latency.For = pick(r, "1m", "4m", "17m", "1h")
		return true
	}},
	{"latency threshold", false, func(s *model.Spec, r *rand.Rand) bool {
		w := someWorkload(s, r, func(w *model.Workload) bool { return w.Inference != nil && w.Inference.Latency.Enabled })
		if w == nil {
			return false
		}
		w.Inference.Latency.Threshold = pick(r, "250ms", "750ms", "3s")
		return true
	}},
	{"team", false, func(s *model.Spec, r *rand.Rand) bool {
		w := someWorkload(s, r, nil)
		w.Team = pick(r, "search", "vision", "platform-ml")
		return true
	}},
	{"namespace", false, func(s *model.Spec, r *rand.Rand) bool {
		w := someWorkload(s, r, nil)
		w.Namespace = pick(r, "ml-a", "ml-b")
		return true
	}},
	{"runbook", false, func(s *model.Spec, r *rand.Rand) bool {
		w := someWorkload(s, r, nil)
		w.RunbookURL = pick(r, "", "https://runbooks.example.com/x")
		return true
	}},
	{"app labels", false, func(s *model.Spec, r *rand.Rand) bool {
		w := someWorkload(s, r, nil)
		w.Metrics.AppLabels = append(slices.Clone(w.Metrics.AppLabels), pick(r, "region", "tier"))
		return true
	}},
	{"remove a workload", false, func(s *model.Spec, r *rand.Rand) bool {
		if len(s.Workloads) < 2 {
			return false
		}
		i := r.IntN(len(s.Workloads))
		s.Workloads = slices.Delete(slices.Clone(s.Workloads), i, i+1)
		return true
	}},
	{"add a workload", false, func(s *model.Spec, r *rand.Rand) bool {
		w := *someWorkload(s, r, nil)
		w.Name += pick(r, "-copy", "-canary")
		if slices.ContainsFunc(s.Workloads, func(x *model.Workload) bool { return x.Name == w.Name }) {
			return false
		}
		s.Workloads = append(slices.Clone(s.Workloads), &w)
		slices.SortFunc(s.Workloads, func(a, b *model.Workload) int { return strings.Compare(a.Name, b.Name) })
		return true
	}},
	{"slo objective", false, func(s *model.Spec, r *rand.Rand) bool {
		if len(s.SLOs) == 0 {
			return false
		}
		s.SLOs[r.IntN(len(s.SLOs))].Objective = []float64{99, 99.5, 99.95}[r.IntN(3)]
		return true
	}},
	{"remove an slo", false, func(s *model.Spec, r *rand.Rand) bool {
		if len(s.SLOs) < 2 {
			return false
		}
		i := r.IntN(len(s.SLOs))
		s.SLOs = slices.Delete(slices.Clone(s.SLOs), i, i+1)
		return true
	}},
	{"scrape interval", true, func(s *model.Spec, r *rand.Rand) bool {
		s.Stack.Prometheus.ScrapeInterval = pick(r, "15s", "20s", "1m")
		return true
	}},
	{"evaluation interval", true, func(s *model.Spec, r *rand.Rand) bool {
		s.Stack.Prometheus.EvaluationInterval = pick(r, "15s", "30s", "1m")
		return true
	}},
	{"stack namespace", true, func(s *model.Spec, r *rand.Rand) bool {
		s.Stack.Namespace = pick(r, "monitoring", "observability")
		return true
	}},
	{"environment", true, func(s *model.Spec, r *rand.Rand) bool {
		s.Environment = pick(r, "", "staging")
		return true
	}},
}

// TestRandomEditsUnitsMatchCold: builds of a spec under random edits (one
// or two more each round), one after the other with one cache (so units of
// earlier builds are found),
// write exactly the bytes a build without the cache writes — and the cache
// is used: workloads an edit did not touch come from it.
func TestRandomEditsUnitsMatchCold(t *testing.T) {
	files := append(modeltest.SynthFiles(40), load.File{Name: "slos.cue", Data: synth.SLOs(40)})
	units := &countedUnits{cachedUnits: cachedUnits{testcache.New(t.TempDir())}}
	r := rand.New(rand.NewPCG(15, 2026))
	rounds := 24
	if testing.Short() {
		rounds = 8
	}
	var edited []string
	s := modeltest.Decode(t, files)
	for round := range rounds {
		var applied []string
		settings := false
		for range 1 + r.IntN(2) {
			e := specEdits[r.IntN(len(specEdits))]
			if e.apply(s, r) {
				applied = append(applied, e.name)
				settings = settings || e.settings
			}
		}
		edited = append(edited, applied...)
		cold, err := generate(s, nil)
		if err != nil {
			t.Fatalf("round %d (%v): %v", round, applied, err)
		}
		hits := units.hits.Load()
		warm, err := generate(s, units)
		if err != nil {
			t.Fatalf("round %d (%v): with units: %v", round, applied, err)
		}
		if d := filesDiff(cold, warm); d != "" {
			t.Fatalf("round %d (%v): the build with units differs from the cold build: %s", round, applied, d)
		}
		if round > 0 && !settings && units.hits.Load() == hits {
			t.Errorf("round %d (%v): no unit came from the cache", round, applied)
		}
	}
	t.Logf("%d rounds, edits %v: %d units from the cache, %d generated", rounds, edited, units.hits.Load(), units.misses.Load())
	if units.misses.Load() == 0 || units.hits.Load() == 0 {
		t.Errorf("hits %d, misses %d: the edits did not exercise the cache", units.hits.Load(), units.misses.Load())
	}
}

// filesDiff says how two generated overlays differ ("" if not at all).
func filesDiff(a, b []artifact.File) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d files, %d with units", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || a[i].Role != b[i].Role || a[i].Source != b[i].Source || !bytes.Equal(a[i].Data, b[i].Data) {
			return fmt.Sprintf("file %s / %s", a[i].Path, b[i].Path)
		}
	}
	return ""
}

// FuzzDecodeUnit: any entry bytes decode to a unit or to a miss, never a
// panic; and a decoded unit encodes to bytes that decode to it again.
func FuzzDecodeUnit(f *testing.F) {
	f.Add(encodeUnit(nil))
	f.Add(encodeUnit([]artifact.File{
		{Path: "tests/a.test.yaml", Source: `workloads.a`, Role: artifact.Aside, Data: []byte("rule_files:\n- rules/a.rules.yaml\n")},
		{Path: "tests/rules/a.rules.yaml", Source: `workloads.a`, Role: artifact.Aside, Data: []byte("groups: []\n")},
	}))
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		files, ok := decodeUnit(data)
		if !ok {
			return
		}
		again, ok := decodeUnit(encodeUnit(files))
		if !ok || filesDiff(files, again) != "" {
			t.Fatalf("%d files decoded, encoded and decoded again: %v, %s", len(files), ok, filesDiff(files, again))
		}
	})
}
