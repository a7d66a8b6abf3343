package checks

import (
	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var logsAlloyParse = Check{
	Name: "logs/alloy-parse",
	Doc:  "The generated Grafana Alloy config parses with Alloy's own syntax parser.",
	Run: func(in *Input) (out diag.List) {
		f := in.File(logs.AlloyConfigPath)
		if f == nil {
			return nil
		}
		if err := in.alloy().err; err != nil {
			out.Append(at(in, f.Source, "logs/alloy-parse", f.Path, "Alloy rejects the generated config: %v", err))
		}
		return out
	},
}
