package rules

import (
	"encoding/json"
	"hash/fnv"
	"slices"

	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Layout of the workloads' rules. One PrometheusRule per workload made
// kustomize (whose resource map is quadratic in the number of objects) the
// slowest part of a build at a thousand workloads, so the workloads' groups
// are bundled: one object per namespace of workloads,
//
//	prometheus-rules/workloads/<namespace>.yaml   PrometheusRule dataops-workloads-<namespace>
//
// its groups sorted by workload name. A namespace whose groups would make an
// object bigger than MaxObjectBytes is split into parts, each named after
// its first workload (the first part keeps the namespace's name):
//
//	prometheus-rules/workloads/<namespace>.<workload>.yaml   dataops-workloads-<namespace>.<workload>
//
// (Namespaces and workload names are DNS labels: without '.', so the names
// cannot collide.) The parts are content-defined, so that adding or removing
// a workload moves as few groups as possible: a part starts at every
// workload whose name hashes (FNV-1a, 32 bits) to 0 modulo 32; a part still
// too big is cut again where the hash is 0 modulo 8, then 2, then 1 (every
// workload alone). A new workload thus joins the part it sorts into, and
// only when it starts a part itself does it take the groups after it in that
// part along; the other parts do not change.

// MaxObjectBytes bounds the JSON size of the groups of one PrometheusRule.
// `kubectl apply` (client-side) stores the whole object as JSON in its
// last-applied-configuration annotation, and annotations are limited to
// 256 KiB; half of it leaves room for the metadata and JSON's escaping. (The
// prometheus-operator shards its rule ConfigMaps at 1 MiB; etcd takes
// objects up to 1.5 MiB.)
const MaxObjectBytes = 128 << 10

// partModuli are the successive cuts of a namespace too big for one object.
var partModuli = []uint32{32, 8, 2, 1}

// bundled is a workload's group with its size.
type bundled struct {
	w    *model.Workload
	g    Group
	size int
}

// workloadObjects returns the PrometheusRule objects of the workloads' groups.
func workloadObjects(s *model.Spec) []Object {
	var namespaces []string
	byNS := map[string][]bundled{}
	for _, w := range s.Workloads { // sorted by name
		g := WorkloadGroup(s, w)
		if _, ok := byNS[w.Namespace]; !ok {
			namespaces = append(namespaces, w.Namespace)
		}
		byNS[w.Namespace] = append(byNS[w.Namespace], bundled{w: w, g: g, size: groupSize(g)})
	}
	slices.Sort(namespaces)
	var out []Object
	for _, ns := range namespaces {
		items := byNS[ns]
		for _, part := range split(items, partModuli) {
			name, path := "dataops-workloads-"+ns, Dir+"workloads/"+ns+".yaml"
			if first := part[0].w.Name; first != items[0].w.Name {
				name += "." + first
				path = Dir + "workloads/" + ns + "." + first + ".yaml"
			}
			groups := make([]Group, len(part))
			for i, b := range part {
				groups[i] = b.g
			}
			out = append(out, object(s, name, path, groups...))
		}
	}
	return out
}

// split cuts items into parts of at most MaxObjectBytes (a single group
// bigger than that stays alone in its part).
func split(items []bundled, moduli []uint32) [][]bundled {
	total := 0
	for _, b := range items {
		total += b.size
	}
	if total <= MaxObjectBytes || len(items) == 1 || len(moduli) == 0 {
		return [][]bundled{items}
	}
	var out [][]bundled
	start := 0
	for i := 1; i <= len(items); i++ {
		if i == len(items) || startsPart(items[i].w.Name, moduli[0]) {
			out = append(out, split(items[start:i], moduli[1:])...)
			start = i
		}
	}
	return out
}

// startsPart reports whether workload name starts a part at modulus m.
func startsPart(name string, m uint32) bool {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32()%m == 0
}

// groupSize is the size of g in the object's JSON (and a comma).
func groupSize(g Group) int {
	data, err := json.Marshal(g.RuleGroup)
	if err != nil {
		// Marshalling the object fails the same way, and reports it.
		return 0
	}
	return len(data) + 1
}
