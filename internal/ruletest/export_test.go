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
