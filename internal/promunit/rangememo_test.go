package promunit_test

import (
	"fmt"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// TestShareRangesMatchesOwn: test groups of a file sharing the range-query
// results of the same query on the same input give exactly the failures of
// every group running its own, on the comparison cases of 200 synthetic
// workloads (6 with -short), the edge rules of the step cache and the
// input layer, and a file of every input-layer edge group together (the
// same labels with other samples, other intervals and starts, groups
// repeated), and results are shared.
func TestShareRangesMatchesOwn(t *testing.T) {
	cases, edges := everyCase(t)
	// The edge groups of each rule variant as one file, some twice.
	byRules := map[string]*promunit.TestFile{}
	var together []tcase
	for _, c := range edges {
		key := fmt.Sprint(c.groups)
		tf := byRules[key]
		if tf == nil {
			tf = &promunit.TestFile{Name: "together.test.yaml"}
			byRules[key] = tf
			together = append(together, tcase{"together/" + c.name, tf, c.groups})
		}
		tf.Tests = append(tf.Tests, c.tf.Tests...)
		if len(tf.Tests)%3 == 0 {
			tf.Tests = append(tf.Tests, c.tf.Tests...)
		}
	}
	cases = append(cases, together...)
	promunit.RangeCounts()
	sameFailures(t, cases, "shared", "own", toggled(shareRanges))
	run, shared := promunit.RangeCounts()
	if shared == 0 || run == 0 {
		t.Fatalf("%d range queries run, %d shared: the comparison says nothing", run, shared)
	}
	t.Logf("%d range queries run for sharing, %d shared", run, shared)
}
