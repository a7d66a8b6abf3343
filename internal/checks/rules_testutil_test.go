package checks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// baseSpec is the spec the check tests add their mistakes to (in x.cue):
// an inference and a GPU training workload in namespace ml.
const baseSpec = `apiVersion: "dataopsgen.dev/v1alpha1"
workloads: {
	resnet: {
		kind:      "inference"
		namespace: "ml"
		inference: models: ["resnet50"]
	}
	trainer: {
		kind:      "training"
		namespace: "ml"
		gpu:       true
		training: lossMetric: "training_loss"
	}
}
`

// runCheck runs the named check on base (baseSpec if empty) plus extra and returns its
// diagnostics as "x.cue:line:col: message".
func runCheck(t *testing.T, name, base, extra string) []string {
	t.Helper()
	if base == "" {
		base = baseSpec
	}
	res, diags := load.Files([]load.File{{Name: "base.cue", Data: []byte(base)}, {Name: "x.cue", Data: []byte(extra)}})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	s, diags := model.Decode(res)
	if diags != nil {
		t.Fatal(diags.Err())
	}
	files, err := build.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(checks.All(), func(c checks.Check) bool { return c.Name == name })
	if i < 0 {
		t.Fatalf("no check %s", name)
	}
	var out []string
	for _, d := range checks.All()[i].Run(&checks.Input{Spec: s, Files: files}).Sorted() {
		out = append(out, d.Pos.String()+": "+d.Message)
	}
	return out
}

type checkCase struct {
	name string
	// base replaces baseSpec.
	base  string
	extra string
	want  []string
}

func runCases(t *testing.T, check string, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := runCheck(t, check, tc.base, tc.extra)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", check, diff)
			}
		})
	}
}

// rule renders an extraRules group g holding the given rules (CUE).
func rule(rules ...string) string {
	return "extraRules: g: rules: [\n" + strings.Join(rules, ",\n") + "]\n"
}
