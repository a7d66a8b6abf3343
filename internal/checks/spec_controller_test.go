package checks_test

import "testing"

func TestSpecTrainingController(t *testing.T) {
	runCases(t, "spec/training-controller", []checkCase{
		{name: "example spec", extra: ``},
		{name: "Kueue with a controller it manages", extra: "workloads: trainer: training: {controller: \"rayjob\", kueue: enabled: true}\n"},
		{
			name:  "Kueue with Volcano",
			extra: "workloads: trainer: training: {controller: \"volcanojob\", kueue: enabled: true}\n",
			want:  []string{`x.cue:1:65: workloads.trainer.training.kueue.enabled: Kueue has no job integration for Volcano Job (training.controller "volcanojob"): no Kueue Workload is created for its runs; set kueue.enabled: false, or run the workload under a controller Kueue manages`},
		},
	})
}
