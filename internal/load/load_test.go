package load

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/internal/diag"
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
			`3: workloads: "Trainer" is not a valid name: want a name of lower-case letters`,
			`4: workloads.inf.kind: "inferance" is not allowed; want one of "inference", "training"`,
			`5: workloads.svc.namespace: invalid value "ML": want a name of lower-case letters`,
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
	}, {
		name: "invalid keys of label maps, once each, saying what is allowed",
		src: `apiVersion: "dataopsgen.dev/v1alpha1"
logs: extraLabels: "bad-key": "x"
alerting: routes: [{receiver: "null", match: {"team.name": "x"}}]
extraRules: g: rules: [{alert: "A", expr: "up == 0", labels: {"my-label": "x"}}]
workloads: a: {kind: "training", namespace: "ml", selector: {"-x": "y"}}
`,
		want: []string{
			`2: logs.extraLabels: "bad-key" is not a valid name: want letters, digits and '_', not starting with a digit`,
			`3: alerting.routes.0.match: "team.name" is not a valid name: want letters, digits and '_'`,
			`4: extraRules.g.rules.0.labels: "my-label" is not a valid name: want letters, digits and '_'`,
			`5: workloads.a.selector: "-x" is not a valid name: want a Kubernetes label key`,
		},
	}, {
		name: "the value the user wrote, not the schema's default",
		src: `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "inference", namespace: "ml", inference: {models: ["m"], errorRate: max: 2}}
workloads: b: {kind: "inference", namespace: "ml", inference: {models: ["m"], latency: threshold: "0ms"}}
environments: prod: workloads: a: inference: errorRate: max: 3
stack: namespace: {x: 1}
workloads: c: {kind: "training", namespace: "ml", team: {t: 1}}
`,
		want: []string{
			`2: workloads.a.inference.errorRate.max: invalid value 2: want a number >0 and <1`,
			`3: workloads.b.inference.latency.threshold: invalid value "0ms": want a duration above zero`,
			`5: stack.namespace: {x:1} is of type struct, want string`,
			`6: workloads.c.team: {t:1} is of type struct, want string`,
		},
	}, {
		name: "a struct where a string belongs quotes the struct",
		src: `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "inference", namespace: "ml", inference: models: [{name: "m"}]}
workloads: b: {kind: {k: "training"}, namespace: "ml", training: lossMetric: "loss"}
alerting: receivers: x: slack: {channel: {name: "#a"}, apiURL: {url: "https://hooks"}}
`,
		want: []string{
			`2: workloads.a.inference.models.0: {name:"m"} is of type struct, want string`,
			`3: workloads.b.kind: {k:"training"} is of type struct, want string`,
			`4: alerting.receivers.x.slack.channel: {name:"#a"} is of type struct, want string`,
			`4: alerting.receivers.x.slack.apiURL: {url:"https://hooks"} is not a Secret reference: want {secret: "NAME", key: "KEY"}`,
		},
	}, {
		name: "a reference cycle is not a missing field",
		src: `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: a: {kind: "training", namespace: "ml", team: workloads.a.logs.minLevel}
workloads: a: logs: minLevel: workloads.a.team
`,
		want: []string{
			`2: workloads.a.team: its value is never known: it refers to a field that refers back to it (a reference cycle)`,
			`3: workloads.a.logs.minLevel: its value is never known`,
		},
	}, {
		name: "an import",
		src: `package spec
import "example.com/monitoring/base"
apiVersion: "dataopsgen.dev/v1alpha1"
workloads: base.workloads
`,
		want: []string{
			`2: cannot import "example.com/monitoring/base": a spec is plain CUE`,
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

// A conflict between two files names both places, and does not hide the
// spec's other problems.
func TestConflictBetweenFiles(t *testing.T) {
	_, diags := Files([]File{
		{Name: "a.cue", Data: []byte("apiVersion: \"dataopsgen.dev/v1alpha1\"\nstack: prometheus: retention: \"15d\"\n")},
		{Name: "b.cue", Data: []byte("stack: prometheus: retention: \"30d\"\nstack: namespace: \"NS\"\n")},
	})
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	want := []string{
		`b.cue:1:31: cue: stack.prometheus.retention: conflicting values "30d" and "15d" (set at b.cue:1:31 and a.cue:2:31)`,
		`b.cue:2:19: cue: stack.namespace: invalid value "NS": want a name of lower-case letters`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("got  %s\nwant %s...", got[i], want[i])
		}
	}
}

// TestCUEPanicIsADiagnostic: an input on which CUE's evaluator panics
// (cuelang.org/go v0.17.1) is refused with a positioned diagnostic, both
// ways of loading.
func TestCUEPanicIsADiagnostic(t *testing.T) {
	files := []File{{Name: "spec.cue", Data: []byte("@experiment(aliasv2),workloads:a:{self.team}")}}
	for name, load := range map[string]func([]File) (*Result, diag.List){"Files": Files, "FilesWhole": FilesWhole} {
		res, diags := load(files)
		if res != nil || len(diags) != 1 || !diags[0].Pos.IsValid() || !strings.Contains(diags[0].Message, "CUE failed") {
			t.Errorf("%s: %v, %v", name, res != nil, diags)
		}
	}
}

// TestLoadAfterCUEPanic: a process that loads many specs and recovered
// from a panic of CUE's evaluator loads the next spec as a fresh process
// would: nothing a load leaves behind is half evaluated (a schema whose
// load panicked does not go back to the pool).
func TestLoadAfterCUEPanic(t *testing.T) {
	dump := func(res *Result, diags diag.List) string {
		if res == nil {
			return fmt.Sprint(diags)
		}
		v, err := res.Value.MarshalJSON()
		if err != nil {
			return err.Error()
		}
		out := string(v)
		for _, w := range res.Workloads {
			out += "\n" + w.Name + ": " + string(w.JSON)
		}
		return out
	}
	specs := map[string][]File{
		"example": readSpecDir(t, "../../examples/dataops"),
		"bad":     {{Name: "spec.cue", Data: []byte("apiVersion: \"dataopsgen.dev/v1alpha1\"\nworkloads: a: {kind: \"training\", namespace: \"ml\", nosuch: 1}\n")}},
		"self":    {{Name: "spec.cue", Data: []byte("@experiment(aliasv2)\napiVersion: \"dataopsgen.dev/v1alpha1\"\nworkloads: a: {kind: \"training\", namespace: \"ml\", runbookURL: \"https://r/\" + self.team}\n")}},
	}
	panics := []File{{Name: "spec.cue", Data: []byte("@experiment(aliasv2),workloads:a:{self.team}")}}
	for _, load := range []func([]File) (*Result, diag.List){Files, FilesWhole} {
		before := map[string]string{}
		for name, files := range specs {
			before[name] = dump(load(files))
		}
		for range 3 {
			if _, diags := load(panics); len(diags) != 1 || !strings.Contains(diags[0].Message, "CUE failed") {
				t.Fatalf("no panic recovered: %v", diags)
			}
			for name, files := range specs {
				if got := dump(load(files)); got != before[name] {
					t.Errorf("%s after a panic:\n%s\nbefore:\n%s", name, got, before[name])
				}
			}
		}
	}
}

// readSpecDir reads dir's .cue files as Dir does.
func readSpecDir(t *testing.T, dir string) []File {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.cue"))
	if err != nil || len(names) == 0 {
		t.Fatalf("%s: %v", dir, err)
	}
	var files []File
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: name, Data: data})
	}
	return files
}

// TestLoadLetsGoOfItsRuntime: the CUE runtime a load evaluated the spec in
// is garbage once its result is: a runtime keeps every instance built in
// it, so one the process kept would hold every spec it ever loaded.
func TestLoadLetsGoOfItsRuntime(t *testing.T) {
	files := readSpecDir(t, "../../examples/dataops")
	collected := make(chan struct{}, 4)
	for range 2 {
		res, diags := Files(files)
		if diags != nil {
			t.Fatal(diags.Err())
		}
		runtime.AddCleanup(res.Value.Context(), func(c chan struct{}) { c <- struct{}{} }, collected)
	}
	deadline := time.After(10 * time.Second)
	for n := 0; n < 2; {
		runtime.GC()
		select {
		case <-collected:
			n++
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%d of 2 loads' CUE runtimes collected", n)
		}
	}
}
