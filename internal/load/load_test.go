package load

import (
	"strings"
	"testing"
)

func TestBadSpec(t *testing.T) {
	for _, src := range []string{`
apiVersion: "dataopsgen.dev/v1alpha1"
workloads: {
	Trainer: {kind: "training", namespace: "ml"}
	inf: {
		kind: "inferance"
		namespace: "ml"
	}
	inf2: {
		kind: "inference"
		namespace: "ML"
		inference: models: ["x"]
		inference: latency: threshold: "5 minutes"
		inference: latency: quantile: 1.5
		gpu: "yes"
		bogus: 1
	}
}
`, `
apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "training"}
workloads: b: {kind: "inference", namespace: "ml"}
stak: {}
alerting: receivers: x: slack: {channel: "#a", apiURL: 5}
`} {
		_, diags := Files([]File{{Name: "bad.cue", Data: []byte(src)}})
		t.Logf("\n%v", diags.Err())
	}
}

func TestBadSpec2(t *testing.T) {
	_, diags := Files([]File{{Name: "bad.cue", Data: []byte(`
apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "training", bogus: 1, namespace: "ML", inference: {}}
workloads: b: {kind: "inference", namespace: "ml", inference: models: ["x"], inference: latncy: {}}
extraRules: g: rules: [{expr: "up", alert: "X", foo: 1}]
stak: {}
`)}})
	t.Logf("\n%v", diags.Err())
	_, diags = Files([]File{{Name: "ok.cue", Data: []byte(`
apiVersion: "dataopsgen.dev/v1alpha1"
workloads: b: {kind: "inference", namespace: "ml", inference: models: ["x"]}
extraRules: g: rules: [{expr: "up", alert: "X"}]
_hidden: 1
#Def: 2
`)}})
	t.Logf("\n%v", diags.Err())
}

// An empty selector value would make the kube-state-metrics joins match
// every unlabelled pod: the schema refuses it.
func TestEmptySelectorValueRefused(t *testing.T) {
	_, diags := Files([]File{{Name: "s.cue", Data: []byte(`apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "inference", namespace: "ml", selector: app: "", inference: models: ["m"]}
`)}})
	if len(diags) != 1 || diags[0].Pos.Line != 2 || !strings.Contains(diags[0].Message, `workloads.a.selector.app`) {
		t.Fatalf("got %v", diags.Err())
	}
}
