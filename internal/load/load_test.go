package load

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestBadSpecs: every problem of a spec is reported at once, each at the
// line the user wrote it (or the struct that lacks it).
func TestBadSpecs(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // "line: message fragment"
	}{{
		name: "several mistakes",
		src: `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: {
	Trainer: {kind: "training", namespace: "ml"}
	inf: {kind: "inferance", namespace: "ml"}
	svc: {kind: "inference", namespace: "ML", inference: models: ["x"], gpu: "yes", bogus: 1}
}
`,
		want: []string{
			`3: workloads.Trainer: "Trainer" is not a valid name`,
			`4: workloads.inf.kind: "inferance" is not allowed; want one of "inference", "training"`,
			`5: workloads.svc.namespace: invalid value "ML"`,
			`5: workloads.svc.gpu: "yes" is of type string, want bool`,
			`5: workloads.svc.bogus: field not allowed`,
		},
	}, {
		name: "missing fields and a misspelt top-level field",
		src: `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "training"}
workloads: b: {kind: "inference", namespace: "ml"}
stak: {}
alerting: receivers: x: slack: {channel: "#a", apiURL: 5}
`,
		want: []string{
			`2: workloads.a.namespace: required field is missing`,
			`3: workloads.b.inference.models: needs at least one element`,
			`4: stak: field not allowed`,
			`5: alerting.receivers.x.slack.apiURL: 5 is of type int, want struct`,
		},
	}, {
		name: "unknown fields inside lists and kind-dependent structs",
		src: `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "training", namespace: "ml", inference: {}}
workloads: b: {kind: "inference", namespace: "ml", inference: models: ["x"], inference: latncy: {}}
extraRules: g: rules: [{expr: "up", alert: "X", foo: 1}]
`,
		want: []string{
			`2: workloads.a.inference: field not allowed`,
			`3: workloads.b.inference.latncy: field not allowed`,
			`4: extraRules.g.rules.0.foo: field not allowed`,
		},
	}, {
		name: "a signal block on a server that does not export the signal",
		src: `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: k: {kind: "inference", namespace: "ml", inference: {server: "kserve", models: ["m"], ttft: threshold: "1s"}}
workloads: t: {kind: "inference", namespace: "ml", inference: {server: "tgi", kvCache: max: 0.5}}
`,
		want: []string{
			`2: workloads.k.inference.ttft: field not allowed: server kserve exports no time-to-first-token histogram (only nim, sglang, vllm do: schema/servers.cue)`,
			`3: workloads.t.inference.kvCache: field not allowed: server tgi exports no KV-cache usage (only nim, sglang, vllm do: schema/servers.cue)`,
		},
	}, {
		name: "an error beside environments",
		src: `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "training", namespace: "ML"}
environments: dev: {workloads: a: namespace: "dev", stack: prometheus: retention: "1d"}
`,
		want: []string{
			`2: workloads.a.namespace: invalid value "ML"`,
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := Files([]File{{Name: "bad.cue", Data: []byte(c.src)}})
			var got []string
			for _, d := range diags {
				if d.Pos.File != "bad.cue" {
					t.Errorf("not positioned in the user's file: %v", d)
				}
				got = append(got, fmt.Sprintf("%d: %s", d.Pos.Line, d.Message))
			}
			if len(got) != len(c.want) {
				t.Errorf("got %d diagnostics, want %d:\n%s", len(got), len(c.want), strings.Join(got, "\n"))
			}
			for _, w := range c.want {
				if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
					t.Errorf("missing %q in:\n%s", w, strings.Join(got, "\n"))
				}
			}
		})
	}
}

// Hidden fields and definitions are the user's own helpers: allowed.
func TestHelpersAllowed(t *testing.T) {
	_, diags := Files([]File{{Name: "ok.cue", Data: []byte(`apiVersion: "dataopsgen.dev/v1alpha1"
_ns: "ml"
#Team: "vision"
_inf: {kind: "inference", namespace: _ns, team: #Team}
workloads: b: _inf & {inference: models: ["x"]}
`)}})
	if diags != nil {
		t.Fatal(diags.Err())
	}
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
