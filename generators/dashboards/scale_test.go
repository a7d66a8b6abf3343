package dashboards_test

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/dashboards"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

func dashboardSize(t testing.TB, s *model.Spec) int {
	t.Helper()
	files, err := dashboards.New().Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	return len(files[0].Data)
}

// The dashboard (one ConfigMap, at most 1 MiB) has a panel per group of
// workloads, not per workload: 5,000 workloads fit with room to spare, and
// what still grows with N (the variables' and some panels' alternations of
// workload names) stays at tens of bytes per workload.
func TestScale(t *testing.T) {
	if testing.Short() {
		t.Skip("loads synthetic specs of 1,000 and 5,000 workloads")
	}
	s1000 := modeltest.Synthetic(t, 1000)
	small := dashboardSize(t, s1000)
	big := dashboardSize(t, modeltest.Synthetic(t, 5000))
	if big > 256<<10 {
		t.Errorf("dashboard of 5,000 workloads: %d bytes, want < 256 KiB", big)
	}
	if per := (big - small) / 4000; per > 64 {
		t.Errorf("dashboard grows by %d bytes per workload (%d bytes at 1,000, %d at 5,000), want <= 64", per, small, big)
	}

	// The whole build of 1,000 workloads passes the check that refused it
	// when the panels were per workload (wiring/dashboard-sidecar renders
	// the ConfigMap and compares it with Kubernetes' limit).
	files, err := build.Generate(s1000)
	if err != nil {
		t.Fatal(err)
	}
	in := &checks.Input{Spec: s1000, Files: files}
	ran := false
	for _, c := range checks.All() {
		if c.Name == "wiring/dashboard-sidecar" {
			ran = true
			if d := c.Run(in); len(d) > 0 {
				t.Errorf("wiring/dashboard-sidecar: %v", d.Err())
			}
		}
	}
	if !ran {
		t.Fatal("no check wiring/dashboard-sidecar")
	}
}
