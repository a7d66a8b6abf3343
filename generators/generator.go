// Package generators holds one package per output kind. Each is a pure
// function of the model: no disk, clock or environment, so that the same spec
// always gives the same bytes.
package generators

import (
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Generator turns the model into files.
type Generator interface {
	// Name is short and stable ("rules", "scrape", ...).
	Name() string
	// Generate returns the files for the spec. An error is a defect of the
	// generator (the spec was already validated), not of the spec.
	Generate(s *model.Spec) ([]artifact.File, error)
}

// Func adapts a function to Generator.
type Func struct {
	N string
	F func(s *model.Spec) ([]artifact.File, error)
}

func (f Func) Name() string                                    { return f.N }
func (f Func) Generate(s *model.Spec) ([]artifact.File, error) { return f.F(s) }

// Units is where a generator finds the files of a compilation unit — one
// part of the spec (a workload) compiled on its own — that it generated
// before from the same inputs, and leaves those it generates. The build
// backs it with its content-addressed cache; a generator stays a pure
// function of the model whether or not it is given one (the files it
// loads are byte for byte those it would generate: inputs must name
// everything the unit's files are generated from). Loaded files carry no
// typed Value. Safe for concurrent use.
type Units interface {
	Load(kind string, inputs []byte) ([]artifact.File, bool)
	Store(kind string, inputs []byte, files []artifact.File)
}
