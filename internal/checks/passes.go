package checks

// Passes remembers the bytes a check found nothing wrong in, across builds
// (internal/build keeps them in the build cache, under a key that also
// covers the binary: the parsers are compiled into it). A check whose
// verdict on a file is a function of that file's bytes alone — rules/parse:
// the strict decode and rulefmt.Parse — asks before it parses and records
// the files it passes, so that a rebuild parses only the files whose bytes
// changed. Only passes are remembered: a file with a problem is parsed
// again on every build, and its diagnostics made from this build's spec.
//
// A nil Passes remembers nothing: every check runs on every file (the
// reference path; TestRulesParsePassesMatchReference compares the two).
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
