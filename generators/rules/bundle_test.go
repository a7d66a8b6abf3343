package rules

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestBundleLayout: on a spec big enough to split its namespaces, every
// workload's group is in exactly one object, of its namespace, in workload
// order; objects stay under the size bound and follow the documented names.
func TestBundleLayout(t *testing.T) {
	s := modeltest.Synthetic(t, 500)
	objs := workloadObjects(s)
	byName := map[string]*model.Workload{}
	for _, w := range s.Workloads {
		byName[w.Name] = w
	}
	name := regexp.MustCompile(`^dataops-workloads-([a-z0-9-]+)(\.([a-z0-9-]+))?$`)
	seen := map[string]bool{}
	split := map[string]int{}
	for _, o := range objs {
		m := name.FindStringSubmatch(o.Rule.Name)
		if m == nil || len(o.Rule.Name) > 253 {
			t.Fatalf("object name %q", o.Rule.Name)
		}
		ns, first := m[1], m[3]
		wantPath := Dir + "workloads/" + strings.TrimPrefix(o.Rule.Name, "dataops-workloads-") + ".yaml"
		if o.Path != wantPath {
			t.Errorf("%s: path %s, want %s", o.Rule.Name, o.Path, wantPath)
		}
		if first != "" && o.Groups[0].Source != byName[first].Path() {
			t.Errorf("%s starts with %s", o.Rule.Name, o.Groups[0].Source)
		}
		split[ns]++
		data, err := json.Marshal(o.Rule.Spec)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Groups) > 1 && len(data) > MaxObjectBytes {
			t.Errorf("%s: %d bytes of groups, over %d", o.Rule.Name, len(data), MaxObjectBytes)
		}
		var prev string
		for i, g := range o.Groups {
			w := byName[strings.TrimPrefix(g.Name, "dataops.")]
			if w == nil || w.Namespace != ns || g.Source != w.Path() || o.Rule.Spec.Groups[i].Name != g.Name {
				t.Fatalf("%s: group %s does not belong", o.Rule.Name, g.Name)
			}
			if seen[w.Name] || w.Name <= prev {
				t.Fatalf("%s: group %s repeated or out of order", o.Rule.Name, g.Name)
			}
			seen[w.Name], prev = true, w.Name
		}
	}
	if len(seen) != len(s.Workloads) {
		t.Errorf("%d of %d workloads have a group", len(seen), len(s.Workloads))
	}
	parts := 0
	for _, n := range split {
		parts = max(parts, n)
	}
	if parts < 2 {
		t.Errorf("no namespace was split (%v): the test needs a bigger spec", split)
	}
}

// partOf maps each workload to the part it lands in (named by the part's
// first workload, "" for the namespace's first part).
func partOf(items []bundled) map[string]string {
	out := map[string]string{}
	for i, p := range split(items, partModuli) {
		key := p[0].w.Name
		if i == 0 {
			key = ""
		}
		for _, b := range p {
			out[b.w.Name] = key
		}
	}
	return out
}

// TestSplitStable: adding one workload to a big namespace moves few of the
// other groups to another part (a size-greedy split would move every group
// after it).
func TestSplitStable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	item := func(name string) bundled {
		return bundled{w: &model.Workload{Name: name}, size: 1500 + r.IntN(3000)}
	}
	var items []bundled
	for i := range 3000 {
		items = append(items, item(fmt.Sprintf("w-%05d", 2*i)))
	}
	before := partOf(items)
	worst := 0
	for range 200 {
		added := item(fmt.Sprintf("w-%05d", 2*r.IntN(3000)+1))
		i, _ := slices.BinarySearchFunc(items, added.w.Name, func(b bundled, n string) int { return strings.Compare(b.w.Name, n) })
		after := partOf(slices.Insert(slices.Clone(items), i, added))
		moved := 0
		for w, p := range before {
			if after[w] != p {
				moved++
			}
		}
		worst = max(worst, moved)
	}
	// A part averages 32 workloads and is cut further only when too big:
	// one insertion moves at most one part's groups.
	if worst > 64 {
		t.Errorf("adding one workload moved up to %d of %d groups", worst, len(items))
	}
	t.Logf("adding one workload moved at most %d of %d groups", worst, len(items))
	for _, p := range split(items, partModuli) {
		total := 0
		for _, b := range p {
			total += b.size
		}
		if len(p) > 1 && total > MaxObjectBytes {
			t.Errorf("part of %d bytes", total)
		}
	}
}
