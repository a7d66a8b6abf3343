package checks_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// TestAlloyRegexpCacheEquivalent: the pipelines read from the Alloy config
// of the synthetic spec of 200 workloads, with some rules' regexes broken
// (the same broken regex in several rules), are the same whether each
// regex is compiled on its own or through the cache.
func TestAlloyRegexpCacheEquivalent(t *testing.T) {
	in := synthInput(t, 200)
	files := append(in.Files[:0:0], in.Files...)
	broken := 0
	for i := range files {
		if f := &files[i]; f.Path == logs.AlloyConfigPath {
			d := strings.Replace(string(f.Data), `"Pending|Unknown"`, `"Pending|(Unknown"`, 3)
			d = strings.Replace(d, `"true;training"`, `"true;training["`, 2)
			broken = strings.Count(d, `|(Unknown"`) + strings.Count(d, `training["`)
			f.Data = []byte(d)
		}
	}
	if broken != 5 {
		t.Fatalf("%d regexes broken, not 5: the edits were not applied", broken)
	}
	cached, each, err := checks.AlloyPipelines(&checks.Input{Spec: in.Spec, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	if len(each) < 150 {
		t.Fatalf("%d pipelines: the comparison proves little", len(each))
	}
	if !reflect.DeepEqual(cached, each) {
		t.Fatal("the pipelines differ with the regex cache")
	}
}
