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

// TestRelabelRunsEquivalent: the relabel runs of spec/escaping (rules
// prepared once per workload, labels read from the result) keep and label
// every target as the runs did before (rules copied per run, the result as
// a map), on the synthetic spec of 200 workloads with scrape jobs broken to
// keep near misses and set wrong labels.
func TestRelabelRunsEquivalent(t *testing.T) {
	in := mutateRules(t, synthInput(t, 200))
	kept, diff := checks.RelabelRunsDiffer(fresh(in))
	if diff != "" {
		t.Fatal(diff)
	}
	if kept < 300 {
		t.Fatalf("only %d runs kept their target: the comparison proves little", kept)
	}
	t.Logf("%d runs kept their target", kept)
}
