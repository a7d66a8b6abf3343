package logs

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// checkAlloyText renders p both ways: alloyText must give the builder's
// bytes (or its error), or decline.
func checkAlloyText(t *testing.T, p *plan) (rendered bool) {
	t.Helper()
	fast, ok, ferr := alloyText(p)
	ref, rerr := alloyConfigBuilder(p)
	switch {
	case ferr != nil || rerr != nil:
		if ferr == nil || rerr == nil || ferr.Error() != rerr.Error() {
			t.Fatalf("errors differ: alloyText %v, builder %v", ferr, rerr)
		}
		return true
	case !ok:
		return false
	case !bytes.Equal(fast, ref):
		i := 0
		for i < len(fast) && i < len(ref) && fast[i] == ref[i] {
			i++
		}
		lo := max(0, i-200)
		t.Fatalf("alloyText differs from the builder at byte %d:\nalloyText: %q\nbuilder:   %q", i, fast[lo:min(len(fast), i+100)], ref[lo:min(len(ref), i+100)])
	}
	return true
}

func TestAlloyTextMatchesBuilder(t *testing.T) {
	specs := map[string]*model.Spec{
		"example":   modeltest.Example(t),
		"synthetic": modeltest.Synthetic(t, 200),
		"tricky":    modeltest.Inline(t, tricky),
		"empty":     modeltest.Inline(t, `apiVersion: "dataopsgen.dev/v1alpha1"`),
	}
	for name, s := range specs {
		p, err := newPlan(s)
		if err != nil {
			t.Fatal(err)
		}
		if !checkAlloyText(t, p) {
			t.Errorf("%s: alloyText declined", name)
		}
	}
}

// Random plans: strings with everything quoting may touch, optional fields
// set or not, every stage kind, names that are no identifier.
func TestAlloyTextRandomPlans(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 1))
	alphabet := []string{"a", "Z", "0", "_", "-", ".", " ", `"`, `\`, "{", "{{", "}", "$", "$1", "|", "é", "\t", "\x00", "\x7f", "\n", "日本"}
	str := func() string {
		var b []byte
		for range r.IntN(12) {
			b = append(b, alphabet[r.IntN(len(alphabet))]...)
		}
		return string(b)
	}
	ascii := func() string {
		var b []byte
		for range r.IntN(12) {
			b = append(b, byte(0x20+r.IntN(0x5f)))
		}
		return string(b)
	}
	wild := false // half the plans only printable ASCII, which alloyText must render
	anyStr := func() string {
		if wild && r.IntN(4) == 0 {
			return str()
		}
		return ascii()
	}
	list := func() []string {
		switch r.IntN(4) {
		case 0:
			if !wild {
				return []string{}
			}
			return nil
		case 1:
			return []string{}
		}
		var out []string
		for range 1 + r.IntN(3) {
			out = append(out, anyStr())
		}
		return out
	}
	opt := func() string {
		if r.IntN(2) == 0 {
			return ""
		}
		return anyStr()
	}
	names := []string{"resnet", "resnet-50", "3d-unet", "null", "true", "a.b", "x", "very-long-workload-name-0123456789"}
	var rendered int
	for i := range 400 {
		wild = i%2 == 1
		p := &plan{pushURL: anyStr()}
		if !wild || r.IntN(8) != 0 {
			p.namespaces = list()
		}
		for range r.IntN(4) {
			wp := workloadPlan{w: &model.Workload{Name: names[r.IntN(len(names))]}}
			if wild && r.IntN(10) == 0 {
				wp.w.Name = str()
			}
			for range r.IntN(4) {
				wp.rules = append(wp.rules, RelabelRule{
					SourceLabels: list(), Separator: opt(), Regex: opt(),
					TargetLabel: opt(), Replacement: opt(), Action: opt(),
				})
			}
			for range r.IntN(6) {
				var st Stage
				switch r.IntN(6) {
				case 0:
					st.CRI = &CRIStage{}
				case 1:
					st.LabelDrop = &LabelDropStage{Values: list()}
				case 2:
					st.Drop = &DropStage{Source: opt(), Expression: anyStr(), Reason: opt()}
				case 3:
					st.Match = &MatchStage{Selector: anyStr(), Action: opt(), Reason: opt()}
				case 4:
					st.Regex = &RegexStage{Expression: anyStr()}
				}
				wp.stages = append(wp.stages, st)
			}
			p.workloads = append(p.workloads, wp)
		}
		if checkAlloyText(t, p) {
			rendered++
		}
	}
	t.Logf("alloyText rendered %d of 400 plans", rendered)
	// Most plans must take the fast path, or this test proves little.
	if rendered < 200 {
		t.Errorf("alloyText rendered only %d of 400 plans", rendered)
	}
}
