package ruletests

import (
	"reflect"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestRelabelCacheIsParsing: the rules of 200 synthetic workloads (and of
// their decoys), parsed through one shared cache, are what parsing each
// workload's list gives; a list with a bad rule gives the list's error.
func TestRelabelCacheIsParsing(t *testing.T) {
	s := modeltest.Synthetic(t, 200)
	c := &sharedParses{}
	for _, w := range s.Workloads {
		for _, p := range []pod{podOf(w, 0), elsewhere(w), neighbour(w)} {
			rs := scrape.ForWorkload(p.w).RelabelConfigs
			want, err := parseRelabel(rs)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.parse(rs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: cached rules differ from the list's:\n%+v\n%+v", p.w.Name, got, want)
			}
		}
	}
	w := s.Workloads[0]
	for _, bad := range []scrape.Relabel{{Action: "bogus"}, {Action: "replace", Regex: "("}, {Action: "hashmod"}, {Action: "replace", SourceLabels: []string{"a"}}} {
		rs := append(scrape.ForWorkload(w).RelabelConfigs, bad)
		_, want := parseRelabel(rs)
		_, got := c.parse(rs)
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("%+v: cache: %v, list: %v", bad, got, want)
		}
	}
}
