package ruletests

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// seriesRef is series as it was written first: l.with(extra...), sorted,
// each value quoted by stack.QuoteLabelValue.
func seriesRef(metric string, l labelSet, extra ...string) string {
	l = l.with(extra...)
	keys := slices.Sorted(maps.Keys(l))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + stack.QuoteLabelValue(l[k])
	}
	return metric + "{" + strings.Join(parts, ", ") + "}"
}

func TestSeriesRendering(t *testing.T) {
	l := labelSet{"namespace": "ml", "workload": "w", "b": `say "hi"`, "c": "back\\slash", "d": "line\nbreak", "e": "bad \xff utf8", "f": "é✓", "g": ""}
	for _, extra := range [][]string{
		nil,
		{"model", "m"},
		{"namespace", "other"},
		{"a", "1", "a", "2"},
		{"le", "+Inf", "workload", `x"y`, "z"},
	} {
		for _, ls := range []labelSet{l, {}} {
			if got, want := series("up", ls, extra...), seriesRef("up", ls, extra...); got != want {
				t.Errorf("%v %v:\n got %s\nwant %s", ls, extra, got, want)
			}
		}
	}
}
