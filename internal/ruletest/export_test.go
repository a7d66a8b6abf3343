package ruletest

// InMemory switches between the in-memory storage and promqltest's
// LazyLoader (a TSDB per test group), for the tests that compare them.
var InMemory = &inMemory
