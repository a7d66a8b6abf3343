package dashboards_test

import (
	"fmt"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/dashboards"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// BenchmarkGenerate is the dashboards generator on synthetic specs
// (go test ./generators/dashboards/ -run '^$' -bench .); it reports the
// dashboard's size too.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			s := modeltest.Synthetic(b, n)
			g := dashboards.New()
			var size int
			b.ResetTimer()
			for b.Loop() {
				files, err := g.Generate(s)
				if err != nil {
					b.Fatal(err)
				}
				size = len(files[0].Data)
			}
			b.ReportMetric(float64(size), "bytes")
		})
	}
}
