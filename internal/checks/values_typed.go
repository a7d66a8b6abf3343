package checks

import (
	"encoding/json"
	"errors"

	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// The kube-prometheus-stack values as the generator made them: promstack
// sets the Value of the values file to the *promstack.Values it
// marshalled, and internal/build keeps it for the checks. The checks read
// the values from there; values/parse alone reads the bytes, so that the
// encoder is verified too.

// errUntyped is the error of a view whose file comes without the typed
// value its generator marshalled (File.Value): the checks of that view skip
// it, and the check that verifies the file's bytes reports it.
var errUntyped = errors.New("the file comes without its typed value (artifact.File.Value)")

type parsedValues struct {
	file *artifact.File
	// typed is the generator's value.
	typed *promstack.Values
	// v is typed as the chart reads it (chartView).
	v   kpsValues
	err error
}

// decodeValues returns the generator's kube-prometheus-stack values (file
// nil when none was generated; err errUntyped when they come without their
// typed value).
func decodeValues(in *Input) parsedValues {
	f := in.File(promstack.ValuesPath)
	if f == nil {
		return parsedValues{}
	}
	pv := parsedValues{file: f}
	typed, ok := f.Value.(*promstack.Values)
	if !ok || typed == nil {
		pv.err = errUntyped
		return pv
	}
	pv.typed = typed
	pv.err = chartView(typed, &pv.v)
	return pv
}

// chartView fills view (kpsValues, secretRefValues: pointers tell "unset",
// where the chart's default applies, from a zero value) with the typed
// values as the chart reads them. A field is set when the encoder writes
// it, which the typed struct's own json tags decide (omitempty): the
// in-memory JSON of typed applies them exactly as artifact.YAML does
// (internal/yamlenc writes sigs.k8s.io/yaml.Marshal's bytes, which go
// through encoding/json), without the bytes or a hand-kept list of which
// field is optional. values/parse proves the bytes
// say the same.
func chartView(typed any, view any) error {
	data, err := json.Marshal(typed)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, view)
}
