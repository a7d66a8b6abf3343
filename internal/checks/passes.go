package checks

// Passes remembers what a check found nothing wrong in, across builds
// (internal/build keeps them in the build cache, under a key that also
// covers the binary: the parsers are compiled into it). A check whose
// verdict is a function of some bytes alone asks before it parses and
// records what it passes, so that a rebuild parses only what changed:
// rules/parse (a PrometheusRule file's bytes and the JSON of the typed
// rule it compares them with: the strict decode, rulefmt.Parse, the
// comparison) and scrape/config (the prometheus.yml it loads and the JSON
// of the typed jobs it compares them with). Only passes are
// remembered: a file with a problem is checked again on every build, and
// its diagnostics made from this build's spec.
//
// A nil Passes remembers nothing: every check runs on every file (the
// reference path; TestPassesMatchReference compares the two).
type Passes interface {
	// Passed reports whether check passed data before.
	Passed(check string, data []byte) bool
	// Pass records that check passed data.
	Pass(check string, data []byte)
}

// passed asks in.Passes, if any.
func (in *Input) passed(check string, data []byte) bool {
	return in.Passes != nil && in.Passes.Passed(check, data)
}

// pass tells in.Passes, if any.
func (in *Input) pass(check string, data []byte) {
	if in.Passes != nil {
		in.Passes.Pass(check, data)
	}
}
