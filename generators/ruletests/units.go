package ruletests

import (
	"encoding/json"
	"slices"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/slo"
)

// WorkloadUnit is the kind of a workload's compilation unit: its test file
// and its rule file; SLOUnit an SLO's.
const (
	WorkloadUnit = "ruletests/workload"
	SLOUnit      = "ruletests/slo"
)

// NewWithUnits returns the rule tests generator taking each workload's
// files from units when its inputs did not change (generators.Units).
func NewWithUnits(units generators.Units) generators.Generator {
	return generators.Func{N: "ruletests", F: func(s *model.Spec) ([]artifact.File, error) {
		return generateUnits(s, units)
	}}
}

// unitSettings are the canonical bytes of what every workload's unit reads
// besides the workload: the spec's settings (its JSON: stack, logs,
// alerting, extra panels) and the environment. A workload's files depend on
// nothing else of the spec — not the other workloads, the SLOs or the extra
// rule groups (TestWorkloadFilesAreAUnit) — and on the generator's code and
// data, which the cache's key covers (the binary's identity).
func unitSettings(s *model.Spec) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return append(append(b, "\nenvironment "...), s.Environment...), nil
}

// workloadInputs are the canonical bytes of everything w's unit is
// generated from: the settings, its name and its decoded spec.
func workloadInputs(settings []byte, w *model.Workload) ([]byte, error) {
	b, err := json.Marshal(w)
	if err != nil {
		return nil, err
	}
	in := make([]byte, 0, len(settings)+len(w.Name)+len(b)+32)
	in = append(in, settings...)
	in = append(in, "\nworkload "...)
	in = append(in, w.Name...)
	in = append(in, '\n')
	return append(in, b...), nil
}

// unitFiles are w's files: from units when its inputs are there, else
// generated (workloadFiles) and left in units.
func unitFiles(s *model.Spec, w *model.Workload, units generators.Units, settings []byte, parsed *relabelRules) ([]artifact.File, error) {
	if units == nil {
		return workloadFiles(s, w, parsed)
	}
	inputs, err := workloadInputs(settings, w)
	if err != nil {
		return nil, err
	}
	if files, ok := units.Load(WorkloadUnit, inputs); ok {
		return files, nil
	}
	files, err := workloadFiles(s, w, parsed)
	if err == nil {
		units.Store(WorkloadUnit, inputs, files)
	}
	return files, err
}

// sloInputs are the canonical bytes of everything the unit of p's SLO is
// generated from: the settings, the SLO's name and decoded spec, and the
// workload it names (its name and decoded spec), if any. Nothing else of
// the spec reaches an SLO's files (TestSLOFilesAreAUnit).
func sloInputs(settings []byte, p *slo.Plan) ([]byte, error) {
	o, err := json.Marshal(p.SLO)
	if err != nil {
		return nil, err
	}
	in := append(slices.Clip(settings), "\nslo "...)
	in = append(append(append(in, p.SLO.Name...), '\n'), o...)
	if p.Workload != nil {
		w, err := json.Marshal(p.Workload)
		if err != nil {
			return nil, err
		}
		in = append(append(append(append(in, "\nworkload "...), p.Workload.Name...), '\n'), w...)
	}
	return in, nil
}

// sloUnitFiles are the files of p's SLO: from units when its inputs are
// there, else generated (sloFiles) and left in units.
func sloUnitFiles(s *model.Spec, p *slo.Plan, parsed *relabelRules, units generators.Units, settings []byte) ([]artifact.File, error) {
	if units == nil {
		return sloFiles(s, p, parsed)
	}
	inputs, err := sloInputs(settings, p)
	if err != nil {
		return nil, err
	}
	if files, ok := units.Load(SLOUnit, inputs); ok {
		return files, nil
	}
	files, err := sloFiles(s, p, parsed)
	if err == nil {
		units.Store(SLOUnit, inputs, files)
	}
	return files, err
}
