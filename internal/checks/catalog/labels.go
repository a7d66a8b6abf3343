package catalog

import (
	"maps"
	"slices"
)

// Labels is what is known about the label names a set of series carries:
// the names it can carry and, when Open, that it may carry any other label
// too (node-exporter metrics, ALERTS, an expression reading an unknown
// metric). The zero value is the empty, closed set.
//
// A Labels is never modified once built: every operation returns a new one.
type Labels struct {
	Names map[string]struct{}
	Open  bool
}

// Closed returns the closed set of the given names.
func Closed(names ...string) Labels {
	l := Labels{Names: make(map[string]struct{}, len(names))}
	for _, n := range names {
		l.Names[n] = struct{}{}
	}
	return l
}

// OpenSet is the set that may carry any label.
func OpenSet() Labels { return Labels{Open: true} }

// Has reports whether a series of the set can carry label n.
func (l Labels) Has(n string) bool {
	if l.Open {
		return true
	}
	_, ok := l.Names[n]
	return ok
}

// Known reports whether n is one of the names known to be carried (whether
// or not the set is open).
func (l Labels) Known(n string) bool {
	_, ok := l.Names[n]
	return ok
}

// Sorted returns the known names, sorted.
func (l Labels) Sorted() []string {
	return slices.Sorted(maps.Keys(l.Names))
}

// Union is the set of series that carry labels of either.
func (l Labels) Union(o Labels) Labels {
	out := Labels{Names: make(map[string]struct{}, len(l.Names)+len(o.Names)), Open: l.Open || o.Open}
	maps.Copy(out.Names, l.Names)
	maps.Copy(out.Names, o.Names)
	return out
}

// With adds names.
func (l Labels) With(names ...string) Labels {
	out := Labels{Names: make(map[string]struct{}, len(l.Names)+len(names)), Open: l.Open}
	maps.Copy(out.Names, l.Names)
	for _, n := range names {
		out.Names[n] = struct{}{}
	}
	return out
}

// Without removes names (what `without (...)`, `ignoring (...)` and
// histogram_quantile's dropping of le do); an open set stays open.
func (l Labels) Without(names ...string) Labels {
	out := Labels{Names: maps.Clone(l.Names), Open: l.Open}
	if out.Names == nil {
		out.Names = map[string]struct{}{}
	}
	for _, n := range names {
		delete(out.Names, n)
	}
	return out
}

// Only keeps the given names the set can carry (what `by (...)` and
// `on (...)` do); the result is closed.
func (l Labels) Only(names ...string) Labels {
	out := Labels{Names: make(map[string]struct{}, len(names))}
	for _, n := range names {
		if l.Has(n) {
			out.Names[n] = struct{}{}
		}
	}
	return out
}
