// Package schema embeds the CUE schema every spec is unified with.
package schema

import _ "embed"

// Source is the CUE text of the schema (package schema, definition #Spec).
//
//go:embed schema.cue
var Source []byte

// APIVersion is the spec version this binary understands.
const APIVersion = "dataopsgen.dev/v1alpha1"
