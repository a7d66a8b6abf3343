package promunit

// Options chooses the runner's fast paths. Each computes exactly what
// promtool computes, only cheaper, and each has a test that runs every
// comparison case with it on and off and wants the same failures, to the
// letter (docs/performance.md lists them, with what to re-check on a
// Prometheus upgrade). Reference, every path off, is promtool's own:
// promqltest's LazyLoader storage, Prometheus's rule manager and engine,
// nothing cached or skipped; Fast, every path on, is what builds use.
// Each fast path is a file of its own, and enters a test group's run only
// through groupFastPaths (fastpaths.go) and the storage newSuite picks.
type Options struct {
	// MemoryStorage runs a test group on memStorage (memstore.go) instead
	// of promqltest's LazyLoader, which opens a TSDB per group.
	MemoryStorage bool
	// InputLayer keeps the input series of memStorage as one read-only
	// layer instead of appending every sample (memstore.go).
	InputLayer bool
	// Precompute evaluates each rule's query once as a range query over
	// every step and skips evaluations that change nothing (precompute.go).
	// It needs MemoryStorage.
	Precompute bool
	// DeriveRecords lets the step cache answer rules that read recording
	// rules, from the series those records write (derived.go). It needs
	// Precompute.
	DeriveRecords bool
	// ShareRanges lets the test groups of a file share those range-query
	// results when they read the same input (rangememo.go).
	ShareRanges bool
	// ParseCache parses each query text once per engine and hands out
	// copies (parsecache.go). It needs MemoryStorage, whose engines are
	// the runner's own.
	ParseCache bool
	// ExprText gives rules expressions whose text is printed once
	// (exprtext.go).
	ExprText bool
	// StripTemplates runs alerting rules without their annotation
	// templates where no check can see them, and reruns the group on the
	// original rules when that turns out not exact (strip.go).
	StripTemplates bool
}

// Fast is every fast path on: what Run, RunFile, RunFS and RunParsed use.
func Fast() Options {
	return Options{
		MemoryStorage:  true,
		InputLayer:     true,
		Precompute:     true,
		DeriveRecords:  true,
		ShareRanges:    true,
		ParseCache:     true,
		ExprText:       true,
		StripTemplates: true,
	}
}

// Reference is every fast path off: promtool's way of running a test
// file, for comparisons and for suspicion.
func Reference() Options { return Options{} }
