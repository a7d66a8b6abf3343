package checks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
)

// TestDiffers: differs sees through what JSON cannot tell apart (a value
// and a pointer to it behind an interface, nil and empty, an int and a
// float64 of one value) and through nothing else.
func TestDiffers(t *testing.T) {
	q := prometheus.Dataquery{Expr: "up"}
	tests := []struct {
		name string
		a, b any
		want string // "" for none, else a substring of where
	}{
		{"value and pointer", []variants.Dataquery{q}, []variants.Dataquery{&q}, ""},
		{"nil and empty slice", struct{ L []string }{}, struct{ L []string }{L: []string{}}, ""},
		{"nil and empty map", map[string]any{"m": nil}, map[string]any{"m": map[string]any{}}, ""},
		{"int and float", map[string]any{"n": 1}, map[string]any{"n": 1.0}, ""},
		{"expr", []variants.Dataquery{q}, []variants.Dataquery{&prometheus.Dataquery{Expr: "down"}}, "x[0].Expr: up, decoded down"},
		{"length", []string{"a"}, []string{"a", "b"}, "x: 1 elements, decoded 2"},
		{"missing key", map[string]any{"a": 1, "b": 2}, map[string]any{"a": 1, "c": 2}, "x[b] is not decoded"},
		{"set on one side", struct{ P *string }{P: new(string)}, struct{ P *string }{}, "x.P is set on one side only"},
		{"type", []any{"1"}, []any{1.0}, "x[0]: string, decoded float64"},
		{"number", map[string]any{"n": 1}, map[string]any{"n": 2.0}, "x[n]: 1, decoded 2"},
		{"uncomparable", []any{func() {}}, []any{func() {}}, "cannot be compared"},
	}
	for _, tt := range tests {
		got := differs(reflect.ValueOf(tt.a), reflect.ValueOf(tt.b), "x")
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s: differs = %q, want %q", tt.name, got, tt.want)
		}
	}
}
