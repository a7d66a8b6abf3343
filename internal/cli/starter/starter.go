// Package starter holds the commented spec `dataopsgen init` writes.
package starter

import _ "embed"

// Spec is the starter spec; it builds as is.
//
//go:embed monitoring.cue
var Spec []byte

// FileName is the name init gives it.
const FileName = "monitoring.cue"
