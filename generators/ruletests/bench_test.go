package ruletests

import "testing"

// BenchmarkExample is the cost of running the example's generated tests
// (what build adds).
func BenchmarkExample(b *testing.B) {
	files := generateT(b, example(b))
	b.ResetTimer()
	for b.Loop() {
		if f := Run(files); len(f) > 0 {
			b.Fatal(f[0].String())
		}
	}
}
