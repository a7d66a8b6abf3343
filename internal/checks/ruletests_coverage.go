package checks

import (
	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var ruleTestCoverage = Check{
	Name: "rules/test-coverage",
	Doc:  "Every generated alert has a generated unit test that fires on bad data and stays quiet on good data (run by build and `dataopsgen test`).",
	Run: func(in *Input) (out diag.List) {
		for _, u := range ruletests.UncoveredAlerts(in.Spec) {
			out.Add(in.Spec.Pos(u.Source), "rules/test-coverage", "alert %s of workload %s has no generated unit test", u.Alert, u.Workload)
		}
		return out
	},
}
