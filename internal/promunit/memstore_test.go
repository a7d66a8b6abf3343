package promunit_test

import "testing"

// TestInMemoryMatchesLazyLoader: the in-memory storage gives exactly the
// failures promtool's storage gives, on passing and failing tests: the
// hand-written test file with mutations, and the generated tests of a
// synthetic spec with their rules or expectations broken in several ways.
func TestInMemoryMatchesLazyLoader(t *testing.T) {
	sameFailures(t, comparisonCases(t, 6), "in memory", "LazyLoader", toggled(memoryStorage))
}
