// Package build is the pipeline: load → model → generators → checks. It
// writes nothing; package output owns the disk.
package build

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/generators/kustomization"
	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/routing"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

// Options select the optional stages.
type Options struct {
	// RuleTests runs the generated rule unit tests in-process (build and
	// test do; vet skips them to stay fast).
	RuleTests bool
	// TestCache, when set, holds the rule-test files that passed before:
	// those whose inputs did not change are not run again, and the ones
	// that pass are added (testcache.RunCached). It also holds the
	// generators' units (units.go), the checks' passes (passes.go) and the
	// spec's evaluated workloads (memo.go). nil runs and evaluates
	// everything.
	TestCache *testcache.Cache
	// NoFlux leaves out the Flux objects whatever stack.flux says.
	NoFlux bool
	// Routing computes where Alertmanager sends the generated alerts
	// (Result.Routing), for the build summary.
	Routing bool
	// Stage, when set, is where the overlay will be written
	// (output.Stage): each generated rule-test file goes there as soon as
	// it is generated, and leaves memory (writeTestsAhead). Result.Files
	// then holds it without its bytes (artifact.File.Staged). nil keeps
	// every byte in memory until the end (the reference; the same tree,
	// TestStageIsWrite). Not with environments, whose overlays are made
	// from the bytes of the base.
	Stage Stage
}

// Stage takes files ahead of the rest of the overlay (output.Stage).
type Stage interface {
	WriteAhead(files []artifact.File) error
}

// Result is a compiled, checked overlay in memory.
type Result struct {
	Spec *model.Spec
	// Files is the whole output. With environments: base/... and
	// overlays/<env>/...
	Files []artifact.File
	// Environments are the environments' specs, in name order.
	Environments []*model.Spec
	// RuleTests counts the rule-test files of every compiled spec (base
	// and environments) that passed, and how many of them passed from
	// the cache rather than by running.
	RuleTests testcache.Stats
	// Routing is where the generated alerts go (Options.Routing): the
	// base's, then each environment's, in the order of Environments.
	Routing []*routing.Table
}

// Dir compiles the spec directory.
func Dir(dir string, opts Options) (*Result, diag.List) {
	res, diags := load.DirMemo(dir, memoOf(opts.TestCache))
	if diags != nil {
		return nil, diags
	}
	return compile(res, opts)
}

// Files compiles in-memory spec files (tests, fuzzing).
func Files(files []load.File, opts Options) (*Result, diag.List) {
	res, diags := load.FilesMemo(files, memoOf(opts.TestCache))
	if diags != nil {
		return nil, diags
	}
	return compile(res, opts)
}

func compile(res *load.Result, opts Options) (*Result, diag.List) {
	spec, diags := model.Decode(res)
	if diags != nil {
		return nil, diags
	}
	// Past the decode only the environments are read: res (the evaluated
	// CUE of the whole spec, ~300 MB at 5,000 workloads) is not kept alive
	// while the overlay is generated, checked and tested.
	envs := res.Environments
	res = nil
	if len(envs) > 0 {
		opts.Stage = nil
	}
	base, diags := compileSpec(spec, opts)
	if diags != nil || len(envs) == 0 {
		return base, diags
	}
	out := &Result{Spec: spec, RuleTests: base.RuleTests, Routing: base.Routing}
	for _, f := range base.Files {
		f.Path = kustomization.BaseDir + "/" + f.Path
		out.Files = append(out.Files, f)
	}
	for _, e := range envs {
		envSpec, d := model.DecodeEnvironment(e)
		if d != nil {
			diags.Append(d...)
			continue
		}
		env, d := compileSpec(envSpec, opts)
		if d != nil {
			diags.Append(d...)
			continue
		}
		overlay, err := kustomization.Overlay(envSpec, base.Files, env.Files)
		if err != nil {
			return nil, diag.List{{Check: "generate", Message: err.Error()}}
		}
		diags.Append(verifyOverlay(envSpec, base.Files, overlay, env.Files)...)
		out.Files = append(out.Files, overlay...)
		out.Environments = append(out.Environments, envSpec)
		out.Routing = append(out.Routing, env.Routing...)
		out.RuleTests.Files += env.RuleTests.Files
		out.RuleTests.Cached += env.RuleTests.Cached
	}
	if diags != nil {
		return nil, diags.Sorted()
	}
	files, err := artifact.Sort(out.Files)
	if err != nil {
		return nil, diag.List{{Check: "generate", Message: err.Error()}}
	}
	out.Files = files
	return out, nil
}

// compileSpec generates and checks the overlay of one spec, then
// generates and runs its rule tests.
//
// In that order, not at once: the checks' working data (the kustomize
// build, the parsed rules: ~110 MB at 1,000 workloads, ~400 MB at 5,000)
// and the rule tests' typed values (~90 MB and ~440 MB, let go of file by
// file as they run) are then never in memory together, and a refused spec
// is refused before any test is generated. A refused overlay reports the
// checks' problems only (a broken rule would also fail its tests, which
// says nothing more). The checks never read the tests
// (TestChecksIgnoreTests), so they see what they saw when the whole
// overlay was generated at once.
func compileSpec(spec *model.Spec, opts Options) (*Result, diag.List) {
	if opts.NoFlux {
		spec.Stack.Flux = false
	}
	units := unitsOf(opts.TestCache)
	files, err := generateOverlay(spec)
	if err != nil {
		return nil, diag.List{{Check: "generate", Message: err.Error()}}
	}
	var table []*routing.Table
	if opts.Routing {
		// From the typed rules, before they are let go of.
		t, err := routing.Of(spec, files, func(p string) bool { return strings.HasPrefix(p, rules.Dir) })
		if err != nil {
			return nil, diag.List{{Check: "generate", Message: "routing: " + err.Error()}}
		}
		table = []*routing.Table{t}
	}
	// The typed values are for the checks (the rules with the spec path
	// of each group and rule, the dashboards with what each panel shows:
	// checks.Input); the write reads Data.
	diags := checks.Run(&checks.Input{Spec: spec, Files: files, Passes: passesOf(opts.TestCache)})
	for i := range files {
		files[i].Value = nil
	}
	if diags != nil {
		return nil, diags
	}
	// The tests are generated, written ahead and run testsPart
	// workloads (then SLOs) at a time, each part let go of before the next
	// is generated: only one part's typed values and bytes are in memory.
	var tests []artifact.File
	var failed diag.List
	var stats testcache.Stats
	var stageErr error // writing ahead failed (not the generator)
	err = ruletests.GenerateInParts(spec, units, testsPart, func(part []artifact.File) error {
		if opts.Stage != nil {
			if stageErr = writeTestsAhead(opts.Stage, part); stageErr != nil {
				return stageErr
			}
		}
		if opts.RuleTests {
			d, st := runRuleTests(spec, part, opts.TestCache)
			failed = append(failed, d...)
			stats.Files += st.Files
			stats.Cached += st.Cached
		}
		for i := range part {
			part[i].Value = nil
		}
		tests = append(tests, part...)
		return nil
	})
	if stageErr != nil {
		return nil, diag.List{{Check: "output", Message: stageErr.Error()}}
	}
	if err != nil {
		return nil, diag.List{{Check: "generate", Message: "generator ruletests: " + err.Error()}}
	}
	if failed != nil {
		return nil, failed.Sorted()
	}
	files, err = artifact.Sort(append(files, tests...))
	if err != nil {
		return nil, diag.List{{Check: "generate", Message: err.Error()}}
	}
	return &Result{Spec: spec, Files: files, RuleTests: stats, Routing: table}, nil
}

// Generate runs every generator (concurrently; the result does not depend
// on scheduling) and assembles the kustomization.
func Generate(spec *model.Spec) ([]artifact.File, error) {
	return generate(spec, nil)
}

// generate is Generate taking the compilation units whose inputs did not
// change from units (nil: generate everything). The files are the same
// bytes either way.
func generate(spec *model.Spec, units generators.Units) ([]artifact.File, error) {
	files, err := generateOverlay(spec)
	if err != nil {
		return nil, err
	}
	tests, err := generateTests(spec, units)
	if err != nil {
		return nil, err
	}
	return artifact.Sort(append(files, tests...))
}

// testsPart is how many workloads' (then SLOs') rule tests are generated
// and run at a time (ruletests.GenerateInParts): enough for the runner's
// worker pool to stay busy (each workload has ~10 test groups), few enough
// that a part weighs ~10 MB.
const testsPart = 64

// generateTests generates the rule tests, taking the units whose inputs
// did not change from units (nil: generate everything).
func generateTests(spec *model.Spec, units generators.Units) ([]artifact.File, error) {
	g := testsGenerator(units)
	files, err := g.Generate(spec)
	if err != nil {
		return nil, fmt.Errorf("generator %s: %w", g.Name(), err)
	}
	return files, nil
}

// generateOverlay runs the overlay's generators (all but the rule tests')
// concurrently and assembles the kustomizations, which list none of the
// tests.
func generateOverlay(spec *model.Spec) ([]artifact.File, error) {
	gens := overlayGenerators()
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
	return generatorsWith(nil)
}

// RunRuleTests runs the generated promtool-format rule tests in-process and
// reports each failure at the workload whose test failed. They run on the
// typed values the files were marshalled from (testcache.Run), not on a
// parse of the bytes; rulefmt's validation of the rule files is the
// rules/parse check's, on the same groups in the PrometheusRules.
func RunRuleTests(spec *model.Spec, files []artifact.File) diag.List {
	d, _ := runRuleTests(spec, slices.Clone(files), nil)
	return d
}

// runRuleTests is RunRuleTests with a cache of passed test files; it lets
// go of the files' typed values (testcache.RunCached).
func runRuleTests(spec *model.Spec, files []artifact.File, cache *testcache.Cache) (diag.List, testcache.Stats) {
	source := map[string]string{}
	for _, f := range files {
		source[f.Path] = f.Source
	}
	var out diag.List
	fails, stats := testcache.RunCached(files, ruletests.Dir, cache)
	for _, f := range fails {
		out = append(out, diag.Diagnostic{
			Pos:     spec.Pos(source[f.File]),
			Check:   "rules/tests",
			Message: fmt.Sprintf("generated rule test failed (alert %s)", f.Alert),
			Detail:  f.String(),
		})
	}
	return out.Sorted(), stats
}
