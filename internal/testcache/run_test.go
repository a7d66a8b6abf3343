package testcache

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// RunCached lets go of the test files' typed values of the list it is
// handed; Run leaves its caller's list as it was.
func TestRunCachedReleasesValues(t *testing.T) {
	files, err := ruletests.New().Generate(modeltest.Example(t))
	if err != nil {
		t.Fatal(err)
	}
	typed := func() (n int) {
		for _, f := range files {
			if _, ok := f.Value.(*promunit.TestFile); ok {
				n++
			}
		}
		return n
	}
	before := typed()
	if before == 0 {
		t.Fatal("no typed test file")
	}
	if fails := Run(files, ruletests.Dir); len(fails) > 0 || typed() != before {
		t.Fatalf("Run: %d failures, typed test files %d -> %d", len(fails), before, typed())
	}
	if fails, _ := RunCached(files, ruletests.Dir, nil); len(fails) > 0 || typed() != 0 {
		t.Fatalf("RunCached: %d failures, %d typed test files left", len(fails), typed())
	}
}
