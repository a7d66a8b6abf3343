package load

import (
	"testing"

	"cuelang.org/go/cue/parser"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// missedByCUE runs the exhaustive pass on a spec the loader accepted (CUE's
// one validation passed), for the base spec and each environment, and
// returns what it finds besides literal credentials (which the model
// reports). Anything it returns is a problem the fast path let through.
func missedByCUE(t testing.TB, files []File, res *Result) diag.List {
	t.Helper()
	ix := newSyntaxIndex()
	for _, f := range files {
		syn, err := parser.ParseFile(f.Name, f.Data, parser.ParseComments)
		if err != nil {
			t.Fatalf("accepted spec does not parse: %v", err)
		}
		ix.addFile(syn)
	}
	if res.Workloads != nil {
		// Loaded in parts: Value lacks the workloads. The whole value
		// (which must be accepted too: TestPartsAreWhole, package model).
		whole, diags := FilesWhole(files)
		if diags != nil {
			return diags
		}
		res = whole
	}
	def, err := specIn(res.Value.Context()) // the schema in the spec's own runtime
	if err != nil {
		t.Fatal(err)
	}
	var out diag.List
	keep := func(l diag.List) {
		for _, d := range l {
			if d.Check != LiteralSecretCheck {
				out = append(out, d)
			}
		}
	}
	keep(exhaustive(def, res.Value, res.Value, ix))
	for _, e := range res.Environments {
		keep(exhaustive(def, e.Value, e.Value, ix.forEnvironment(e.Name)))
	}
	return out
}

// TestFastPathMissesNothing: on every spec the loader accepts (examples,
// corpus, synthetic, and specs close to the edge of what the schema allows),
// the exhaustive pass finds nothing CUE's validation did not.
func TestFastPathMissesNothing(t *testing.T) {
	specs := indexSpecs(t)
	specs["synth"] = synthFiles(200)
	specs["helpers"] = []File{{Name: "h.cue", Data: []byte(`apiVersion: "dataopsgen.dev/v1alpha1"
_ns: "ml"
#Team: "vision"
_inf: {kind: "inference", namespace: _ns, team: #Team}
workloads: b: _inf & {inference: models: ["x"]}
workloads: c: {kind: "training", namespace: "ml", training: {lossMetric: "l"}}
extraRules: g: rules: [{alert: "A", expr: "up", for: "1m"}]
alerting: receivers: r: email: {to: "a@b", from: "c@d", smarthost: "h:25", authPassword: {secret: "s", key: "k"}}
alerting: route: receiver: "r"
environments: dev: {workloads: b: inference: models: ["y"], stack: logCollector: kind: "promtail"}
`)}}
	accepted := 0
	for name, files := range specs {
		res, diags := Files(files)
		if diags != nil {
			continue
		}
		accepted++
		if missed := missedByCUE(t, files, res); missed != nil {
			t.Errorf("%s: CUE accepted the spec, the exhaustive pass finds:\n%v", name, missed.Err())
		}
	}
	if accepted < 20 {
		t.Fatalf("only %d specs accepted", accepted)
	}
}
