package checks

import (
	alloyparser "github.com/grafana/alloy/syntax/parser"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// AlloyConfigPath is where the logs generator writes the Alloy config.
const AlloyConfigPath = "logs/config.alloy"

var logsAlloyParse = Check{
	Name: "logs/alloy-parse",
	Doc:  "The generated Grafana Alloy config parses with Alloy's own syntax parser.",
	Run: func(in *Input) (out diag.List) {
		f := in.File(AlloyConfigPath)
		if f == nil {
			return nil
		}
		if _, err := alloyparser.ParseFile(f.Path, f.Data); err != nil {
			out.Append(at(in, f.Source, "logs/alloy-parse", f.Path, "Alloy rejects the generated config: %v", err))
		}
		return out
	},
}
