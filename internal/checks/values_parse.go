package checks

import (
	"github.com/dataopsgen/dataopsgen/generators/loki"
	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// typedValuesFiles are the Helm values files whose typed value the checks
// read, each with a test of that value's type: a file at one of these
// paths must carry it.
var typedValuesFiles = []struct {
	path  string
	typed func(v any) bool
}{
	{promstack.ValuesPath, func(v any) bool { p, ok := v.(*promstack.Values); return ok && p != nil }},
	{promstack.DCGMValuesPath, func(v any) bool { p, ok := v.(*promstack.DCGMValues); return ok && p != nil }},
	{loki.Path, func(v any) bool { p, ok := v.(*loki.ChartValues); return ok && p != nil }},
}

var valuesParse = Check{
	Name: "values/parse",
	Doc: "The generated kube-prometheus-stack, dcgm-exporter and Loki values decode strictly (no unknown field, no duplicate key) into the typed values " +
		"their generator marshalled and give that value back (the one check of the values' encoding: the others read the typed values, which " +
		"every values file must carry).",
	Run: func(in *Input) (out diag.List) {
		const check = "values/parse"
		for _, tv := range typedValuesFiles {
			f := in.File(tv.path)
			if f == nil {
				continue
			}
			if !tv.typed(f.Value) {
				out.Append(at(in, f.Source, check, f.Path,
					"generated values come without their typed value (artifact.File.Value): the checks of the values cannot see them"))
				continue
			}
			if err := typedBytesMismatch(f.Data, f.Value); err != nil {
				out.Append(at(in, f.Source, check, f.Path, "the generated values are not what their generator made: %v", err))
			}
		}
		return out
	},
}
