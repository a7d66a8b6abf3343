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

// NewWithUnits returns the rule tests generator taking each workload's and
// SLO's files from units when their inputs did not change
// (generators.Units); with nil units it generates everything (New).
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

// unitPart appends to a unit's inputs one named part of the spec: its
// label, its name and its decoded value (JSON, whose maps are sorted).
func unitPart(in []byte, label, name string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	in = append(append(append(append(append(in, '\n'), label...), ' '), name...), '\n')
	return append(in, b...), nil
}

// workloadInputs are the canonical bytes of everything w's unit is
// generated from: the settings, its name and its decoded spec.
func workloadInputs(settings []byte, w *model.Workload) ([]byte, error) {
	return unitPart(slices.Clip(settings), "workload", w.Name, w)
}

// sloInputs are the canonical bytes of everything the unit of p's SLO is
// generated from: the settings, the SLO's name and decoded spec, and the
// workload it names (its name and decoded spec), if any. Nothing else of
// the spec reaches an SLO's files (TestSLOFilesAreAUnit).
func sloInputs(settings []byte, p *slo.Plan) ([]byte, error) {
	in, err := unitPart(slices.Clip(settings), "slo", p.SLO.Name, p.SLO)
	if err != nil || p.Workload == nil {
		return in, err
	}
	return unitPart(in, "workload", p.Workload.Name, p.Workload)
}

// fromUnits returns a unit's files: from units when its inputs are there,
// else made by generate and left in units. A nil units always generates.
func fromUnits(units generators.Units, kind string, inputs func() ([]byte, error), generate func() ([]artifact.File, error)) ([]artifact.File, error) {
	if units == nil {
		return generate()
	}
	in, err := inputs()
	if err != nil {
		return nil, err
	}
	if files, ok := units.Load(kind, in); ok {
		return files, nil
	}
	files, err := generate()
	if err == nil {
		units.Store(kind, in, files)
	}
	return files, err
}
