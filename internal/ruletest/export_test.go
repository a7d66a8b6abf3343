package ruletest

// InMemory switches between the in-memory storage and promqltest's
// LazyLoader (a TSDB per test group), for the tests that compare them.
var InMemory = &inMemory

// Precompute switches the range-query cache (and the skipping of idle
// evaluations) on and off, for the tests that compare both.
var Precompute = &precompute

// InputLayer switches between the input layer of the in-memory storage
// and appending every input sample, for the tests that compare them.
var InputLayer = &inputLayer

// ExprText switches rule expressions with their text computed once on and
// off, for the tests that compare both.
var ExprText = &exprText

// ParseCache switches the engines' parse cache on and off, for the tests
// that compare both.
var ParseCache = &parseCache

// CloneExpr is cloneExpr, for its tests.
var CloneExpr = cloneExpr

// ShareRanges switches the sharing of range-query results between the test
// groups of a file on and off, for the tests that compare both.
var ShareRanges = &shareRanges

// RangeCounts returns (and resets) the number of range queries run for,
// and taken from, the results shared between test groups since the last
// call.
func RangeCounts() (run, shared int64) {
	return rangeStats.run.Swap(0), rangeStats.shared.Swap(0)
}

// DeriveRecords switches the step cache's materialized recording rules on
// and off, for the tests that compare both.
var DeriveRecords = &deriveRecords
