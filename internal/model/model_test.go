package model

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/load"
)

func TestDecodeExample(t *testing.T) {
	res, diags := load.Dir("../../examples/dataops")
	if diags != nil {
		t.Fatal(diags.Err())
	}
	s, diags := Decode(res)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	if len(s.Workloads) != 2 || s.Workloads[0].Name != "resnet" || s.Workloads[1].Training == nil {
		t.Fatalf("workloads: %+v", s.Workloads)
	}
	if got := s.Pos("workloads.resnet.inference.latency.threshold").Line; got != 35 {
		t.Errorf("threshold line = %d", got)
	}
	if got := s.Pos("workloads.resnet.inference.errorRate.max").Line; got != 33 {
		t.Errorf("defaulted errorRate reported at line %d, want its nearest written ancestor (33)", got)
	}
}

func TestLiteralCredentialRefused(t *testing.T) {
	res, diags := load.Files([]load.File{{Name: "s.cue", Data: []byte(`apiVersion: "dataopsgen.dev/v1alpha1"
alerting: receivers: ops: slack: {channel: "#a", apiURL: "https://hooks.slack.com/services/T0/B0/XX"}
alerting: route: receiver: "opz"
`)}})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	_, diags = Decode(res)
	want := "s.cue:2:50: spec/literal-secret: alerting.receivers.ops.slack.apiURL: a literal credential"
	if len(diags) != 2 || diags[0].String()[:len(want)] != want {
		t.Fatalf("got:\n%v", diags.Err())
	}
	if diags[1].Pos.Line != 3 {
		t.Errorf("route receiver: %v", diags[1])
	}
}
