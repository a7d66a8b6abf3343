package promunit_test

import (
	"sync"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// TestConcurrentFilesMatchAlone: files run all at once (their test groups
// queued on the shared workers, the results of each put back in file
// order) give exactly the failures of each file run alone, on the
// comparison cases of 6 synthetic workloads and the edge rules.
func TestConcurrentFilesMatchAlone(t *testing.T) {
	cases := comparisonCases(t, 6)
	cases = append(cases, precomputeEdges(t)...)
	alone := make([]string, len(cases))
	for i, c := range cases {
		alone[i] = render(promunit.Run(c.tf, c.groups))
	}
	together := make([]string, len(cases))
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Go(func() { together[i] = render(promunit.Run(c.tf, c.groups)) })
	}
	wg.Wait()
	failing := 0
	for i, c := range cases {
		if together[i] != alone[i] {
			t.Errorf("%s: run together and alone disagree\n--- together:\n%s\n--- alone:\n%s", c.name, together[i], alone[i])
		}
		if alone[i] != "" {
			failing++
		}
	}
	if failing == 0 || failing == len(cases) {
		t.Fatalf("%d of %d cases fail: the comparison needs passing and failing cases", failing, len(cases))
	}
}
