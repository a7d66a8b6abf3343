package catalog

import (
	"maps"
	"slices"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/slo"
)

// addSLOs adds the recording rules of the spec's SLOs (generators/rules
// slo.go): each series carries the SLO's labels (slo, and its workload's
// namespace and workload), with those values.
func (c *Catalog) addSLOs(s *model.Spec) {
	for _, p := range slo.Plans(s) {
		l := Closed(slices.Sorted(maps.Keys(p.Labels))...)
		names := []string{slo.ObjectiveRecord, slo.BudgetRecord, slo.BudgetRemainingRecord, slo.RecordName(p.Window)}
		for _, w := range p.Windows {
			names = append(names, slo.RecordName(w))
		}
		for _, n := range names {
			if m := c.metrics[n]; m != nil && slices.ContainsFunc(m.Sources, func(src *Source) bool { return src.Path == p.SLO.Path() }) {
				continue // the compliance window is also an alert window
			}
			c.add(n, &Source{Kind: KindRule, Name: "slo." + p.SLO.Name, Path: p.SLO.Path(), Labels: l, Values: maps.Clone(p.Labels)})
		}
	}
}
