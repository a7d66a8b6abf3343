package routing_test

import (
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/build"
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
	res, diags := build.Files(files, build.Options{})
	if diags != nil {
		b.Fatal(diags)
	}
	isRule := func(p string) bool { return strings.HasPrefix(p, rules.Dir) }
	// As the build routes them: from the rules generator's typed objects.
	typed, err := build.Generate(res.Spec)
	if err != nil {
		b.Fatal(err)
	}
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
