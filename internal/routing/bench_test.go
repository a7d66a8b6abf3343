package routing_test

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/routing"
	"github.com/dataopsgen/dataopsgen/internal/synth"
)

// BenchmarkRouting1000 is the cost the build summary's routing adds to a
// build of 1,000 synthetic workloads.
func BenchmarkRouting1000(b *testing.B) {
	var files []load.File
	for _, f := range synth.Generate(1000) {
		files = append(files, load.File{Name: f.Name, Data: f.Data})
	}
	// As the build routes them: from the generators' typed values.
	res, typed := generated(b, files)
	b.Run("typed", func(b *testing.B) {
		for b.Loop() {
			if _, err := routing.Of(res.Spec, typed, isRule); err != nil {
				b.Fatal(err)
			}
		}
	})
	// From the bytes (files whose generator keeps no typed value).
	b.Run("decoded", func(b *testing.B) {
		for b.Loop() {
			if _, err := routing.Of(res.Spec, res.Files, isRule); err != nil {
				b.Fatal(err)
			}
		}
	})
}
