package rules

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestFilesCarryTheirRule: every PrometheusRule file — the workloads', the
// SLOs', the extra groups' — carries the object it was marshalled from,
// with the spec path of each group and rule (internal/routing and the
// checks read it instead of decoding the bytes), and that object marshals
// to the file's bytes.
func TestFilesCarryTheirRule(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	for _, dir := range []string{"dataops", "slos", "llm-serving"} {
		s := modeltest.Dir(t, filepath.Join(filepath.Dir(file), "..", "..", "examples", dir))
		files, err := New().Generate(s)
		if err != nil {
			t.Fatal(err)
		}
		slos := 0
		for _, f := range files {
			o, ok := f.Value.(*Object)
			if !ok {
				t.Errorf("%s: %s carries %T, not its *Object", dir, f.Path, f.Value)
				continue
			}
			pr := o.Rule
			if o.Path != f.Path {
				t.Errorf("%s: %s carries the object of %s", dir, f.Path, o.Path)
			}
			checkProvenance(t, o)
			data, err := artifact.YAML(pr)
			if err != nil || !bytes.Equal(data, f.Data) {
				t.Errorf("%s: %s: its value marshals to other bytes (%v)", dir, f.Path, err)
			}
			if pr.Name == "dataops-slos" {
				slos++
			}
		}
		if (dir != "dataops") != (slos > 0) {
			t.Errorf("%s: %d dataops-slos objects", dir, slos)
		}
	}
}

// checkProvenance wants o's Groups to parallel the groups of its
// PrometheusRule, each group with a spec path and its rules' under it.
func checkProvenance(t *testing.T, o *Object) {
	t.Helper()
	if len(o.Groups) != len(o.Rule.Spec.Groups) {
		t.Errorf("%s: %d groups with provenance, %d in the object", o.Path, len(o.Groups), len(o.Rule.Spec.Groups))
		return
	}
	for i, g := range o.Groups {
		if g.Name != o.Rule.Spec.Groups[i].Name || len(g.Rules) != len(o.Rule.Spec.Groups[i].Rules) {
			t.Errorf("%s: group %d is %s with %d rules, the object's %s with %d", o.Path, i, g.Name, len(g.Rules), o.Rule.Spec.Groups[i].Name, len(o.Rule.Spec.Groups[i].Rules))
		}
		if len(g.RuleSources) != len(g.Rules) {
			t.Errorf("%s: group %s: %d rule sources for %d rules", o.Path, g.Name, len(g.RuleSources), len(g.Rules))
		}
		if g.Source == "" {
			t.Errorf("%s: group %s has no source", o.Path, g.Name)
		}
		for _, src := range g.RuleSources {
			if !strings.HasPrefix(src, g.Source) {
				t.Errorf("%s: group %s (%s): a rule's source %q is not under the group's", o.Path, g.Name, g.Source, src)
			}
		}
	}
}
