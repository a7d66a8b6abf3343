// Package schema embeds the CUE schema every spec is unified with.
package schema

import (
	_ "embed"
)

// Source is the CUE text of the schema (package schema, definition #Spec):
// schema.cue, then servers.cue, the part generated from the inference
// server presets (presets/servers.SchemaCUE). The second file has no
// package clause, so the two read as one file; schema.cue's positions are
// unchanged.
var Source = append(append(append([]byte(nil), schemaCUE...), '\n'), serversCUE...)

//go:embed schema.cue
var schemaCUE []byte

// ServersCUE is servers.cue as committed.
//
//go:embed servers.cue
var serversCUE []byte

// ServersFile is servers.cue's path in the repository, for the test that
// keeps it fresh.
const ServersFile = "servers.cue"

// ServersCUE returns the committed servers.cue.
func ServersCUE() []byte { return serversCUE }

// APIVersion is the spec version this binary understands.
const APIVersion = "dataopsgen.dev/v1alpha1"
