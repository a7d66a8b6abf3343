package rules

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

func example(t *testing.T) *model.Spec {
	t.Helper()
	return modeltest.Example(t)
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
