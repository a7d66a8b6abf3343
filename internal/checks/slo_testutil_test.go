package checks_test

// sloBase is the spec the SLO check tests add an SLO to (in x.cue): the
// base spec, with the retention an SLO of 30 days needs.
const sloBase = baseSpec + `stack: prometheus: retention: "30d"
`
