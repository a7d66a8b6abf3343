package rules

import (
	"bytes"
	"path/filepath"
	"runtime"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestFilesCarryTheirRule: every PrometheusRule file — the workloads', the
// SLOs', the extra groups' — carries the object it was marshalled from
// (internal/routing reads it instead of decoding the bytes), and that
// object marshals to the file's bytes.
func TestFilesCarryTheirRule(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	for _, dir := range []string{"dataops", "slos", "llm-serving"} {
		s := modeltest.Dir(t, filepath.Join(filepath.Dir(file), "..", "..", "examples", dir))
		files, err := New().Generate(s)
		if err != nil {
			t.Fatal(err)
		}
		slos := 0
		for _, f := range files {
			pr, ok := f.Value.(*monitoringv1.PrometheusRule)
			if !ok {
				t.Errorf("%s: %s carries %T, not its *PrometheusRule", dir, f.Path, f.Value)
				continue
			}
			data, err := artifact.YAML(pr)
			if err != nil || !bytes.Equal(data, f.Data) {
				t.Errorf("%s: %s: its value marshals to other bytes (%v)", dir, f.Path, err)
			}
			if pr.Name == "dataops-slos" {
				slos++
			}
		}
		if (dir != "dataops") != (slos > 0) {
			t.Errorf("%s: %d dataops-slos objects", dir, slos)
		}
	}
}
