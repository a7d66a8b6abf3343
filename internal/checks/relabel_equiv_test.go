package checks_test

import (
	"reflect"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// TestAlloyRegexpCacheEquivalent: the pipelines read from the typed Alloy config
// of the synthetic spec of 200 workloads, with some rules' regexes broken
// (the same broken regex in several rules), are the same whether each
// regex is compiled on its own or through the cache.
func TestAlloyRegexpCacheEquivalent(t *testing.T) {
	phase, training := 0, 0
	in := famEditCollector(t, synthInput(t, 200), famEachRule(func(r *logs.RelabelRule) {
		switch {
		case r.Regex == "Pending|Unknown" && phase < 3:
			r.Regex, phase = "Pending|(Unknown", phase+1
		case r.Regex == "true;training" && training < 2:
			r.Regex, training = "true;training[", training+1
		}
	}))
	if phase+training != 5 {
		t.Fatalf("%d regexes broken, not 5: the edits were not applied", phase+training)
	}
	cached, each, err := checks.AlloyPipelines(in)
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
