// Package promunit runs Prometheus rule unit tests, the files that
// `promtool test rules` reads, in-process.
//
// cmd/promtool cannot be imported, so this package re-does what its
// unittest.go does on the same Prometheus packages: the input series are
// expanded and stored by promql/promqltest's LazyLoader (the notation
// `0+10x5`, `_`, `stale` is Prometheus's own), the rule groups are built by
// rules.Manager and evaluated step by step with the real PromQL engine, and
// the firing alerts are compared with the expected labels and annotations
// (expanded by the rule manager, as Prometheus sends them). A test that
// passes here passes under promtool of the same Prometheus version, and the
// other way round; the tests cross-check both when a promtool is available.
//
// Read it in this order. The plain runner, promtool's way: runner.go (the
// entry points, a file's rule files, its test groups), group.go (one test
// group, as promtool's testGroup.test), suite.go (its storage, promqltest's
// LazyLoader), format.go (the file format), diff.go (comparing alerts and
// samples). Then the seam: options.go (Options, Fast, Reference) and
// fastpaths.go (where the fast paths enter a test group's run). Then each
// fast path, in a file of its own with its equivalence test:
// memstore.go, inputlayer.go, precompute.go, derived.go, rangememo.go,
// parsecache.go, exprtext.go, strip.go. pool.go runs the test groups
// concurrently in every mode. docs/performance.md lists the fast paths,
// their tests and what to re-check on a Prometheus upgrade.
package promunit
