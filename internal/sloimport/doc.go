// Package sloimport converts other tools' SLO files into dataopsgen spec
// CUE (`dataopsgen import sloth|openslo FILE`): Sloth's prometheus/v1
// specs and OpenSLO's SLO and SLI documents (openslo/v1, and the
// openslo/v1alpha SLO Sloth reads). The output is a `slos:` block to put
// beside the spec; what does not convert is an error at its place in the
// source file (file:line:col), all of them at once, and nothing is written.
//
// Both tools give their SLIs as PromQL. dataopsgen's SLIs are series
// selectors that it generates the queries of, the tests, the checks and the
// dashboards from, so a query converts when it is a counter's selector
// the way both tools write them: `sum(rate(SELECTOR[{{.window}}]))` in
// Sloth, `SELECTOR` or `sum(SELECTOR)` of a counter in OpenSLO. Anything
// else (other aggregations, arithmetic, raw error ratios, plugins,
// time-slice budgets, calendar windows) is reported, with what to write
// instead.
package sloimport
