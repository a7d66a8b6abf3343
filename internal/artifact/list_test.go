package artifact_test

import (
	"bytes"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// YAMLList writes a list item by item: the bytes must be those of the
// whole list marshalled at once.
func TestYAMLListMatchesWholeList(t *testing.T) {
	check := func(name string, items []any) {
		t.Helper()
		got, gerr := artifact.YAMLList(items)
		want, werr := sigsyaml.Marshal(items)
		if (gerr != nil) != (werr != nil) || !bytes.Equal(got, want) {
			t.Errorf("%s: YAMLList (%v):\n%s\nsigs.k8s.io/yaml (%v):\n%s", name, gerr, got, werr, want)
		}
	}
	check("nil", nil)
	check("empty", []any{})
	check("scalars and odd strings", []any{
		"a", "", " lead", "trail ", "multi\nline\n", "- dash", "key: value", "#", "yes", "null", "0123", "1e3",
		"\u00e9t\u00e9", "tab\there", "{{x}}", `"quoted"`, "'single'", 1, 2.5, -0.0, true, false, nil,
	})
	check("nested", []any{
		map[string]any{}, []any{}, map[string]any{"b": 1, "a": []any{"x", map[string]any{"k": "v"}}},
		[]any{[]any{1, 2}, []any{}}, map[string]any{"long": string(bytes.Repeat([]byte("word "), 40))},
	})
	configs := scrape.Configs(modeltest.Synthetic(t, 200))
	got, err := artifact.YAMLList(configs)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sigsyaml.Marshal(configs)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("scrape configs of 200 workloads: YAMLList differs from the whole list")
	}
}
