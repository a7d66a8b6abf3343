// Package build is the pipeline: load → model → generators → checks. It
// writes nothing; package output owns the disk.
package build

import (
	"fmt"
	"sync"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Result is a compiled, checked overlay in memory.
type Result struct {
	Spec  *model.Spec
	Files []artifact.File
}

// Dir compiles the spec directory.
func Dir(dir string) (*Result, diag.List) {
	res, diags := load.Dir(dir)
	if diags != nil {
		return nil, diags
	}
	return compile(res)
}

// Files compiles in-memory spec files (tests, fuzzing).
func Files(files []load.File) (*Result, diag.List) {
	res, diags := load.Files(files)
	if diags != nil {
		return nil, diags
	}
	return compile(res)
}

func compile(res *load.Result) (*Result, diag.List) {
	spec, diags := model.Decode(res)
	if diags != nil {
		return nil, diags
	}
	files, err := Generate(spec)
	if err != nil {
		return nil, diag.List{{Check: "generate", Message: err.Error()}}
	}
	diags = checks.Run(&checks.Input{Spec: spec, Files: files})
	if diags != nil {
		return nil, diags
	}
	return &Result{Spec: spec, Files: files}, nil
}

// Generate runs every generator (concurrently; the result does not depend
// on scheduling) and assembles the kustomization.
func Generate(spec *model.Spec) ([]artifact.File, error) {
	gens := All()
	outs := make([][]artifact.File, len(gens))
	errs := make([]error, len(gens))
	var wg sync.WaitGroup
	for i, g := range gens {
		wg.Go(func() {
			outs[i], errs[i] = g.Generate(spec)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("generator %s: %w", g.Name(), errs[i])
			}
		})
	}
	wg.Wait()
	var files []artifact.File
	for i := range gens {
		if errs[i] != nil {
			return nil, errs[i]
		}
		files = append(files, outs[i]...)
	}
	ns, err := kustomization.Namespace(spec)
	if err != nil {
		return nil, err
	}
	files = append(files, ns)
	ks, err := kustomization.Assemble(spec, files)
	if err != nil {
		return nil, err
	}
	files = append(files, ks...)
	return artifact.Sort(files)
}

// All is the list of generators, in a fixed order.
func All() []generators.Generator {
	return registry
}
