package rules

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

func example(t *testing.T) *model.Spec {
	t.Helper()
	res, diags := load.Dir("../../examples/dataops")
	if diags != nil {
		t.Fatal(diags.Err())
	}
	s, diags := model.Decode(res)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	return s
}

func TestPrint(t *testing.T) {
	files, err := New().Generate(example(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		t.Logf("%s\n%s", f.Path, f.Data)
	}
}
