package checks

import (
	"strings"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/controllers"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

const controllerCheck = "spec/training-controller"

// specTrainingController reads the controllers' data (internal/controllers)
// for what the schema cannot say: Kueue's admission alert needs a
// controller Kueue manages.
var specTrainingController = Check{
	Name: controllerCheck,
	Doc: "`training.kueue` is enabled only for a controller Kueue has a job integration for (" + kueueControllers() +
		"): otherwise no Kueue Workload ever exists for its runs and the admission alert could never fire.",
	Run: func(in *Input) (out diag.List) {
		for _, w := range in.Spec.Workloads {
			if w.Training == nil || !w.Training.Kueue.Enabled {
				continue
			}
			if c := rules.Controller(w); !c.Kueue {
				p := w.Path("training", "kueue", "enabled")
				out.Add(in.Spec.Pos(p), controllerCheck,
					"%s: Kueue has no job integration for %s (training.controller %q): no Kueue Workload is created for its runs; "+
						"set kueue.enabled: false, or run the workload under a controller Kueue manages", p, c.Title, c.Name)
			}
		}
		return out
	},
}

// kueueControllers lists the controllers Kueue manages, and those it does not.
func kueueControllers() string {
	var yes, no []string
	for _, c := range controllers.All() {
		if c.Kueue {
			yes = append(yes, c.Title)
		} else {
			no = append(no, c.Title)
		}
	}
	return strings.Join(yes, ", ") + "; not " + strings.Join(no, ", ")
}
