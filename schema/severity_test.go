package schema_test

import (
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/dataopsgen/dataopsgen/schema"
)

// TestSeverityDefaults: #SeverityCritical and #SeverityWarning, spelled out
// for speed, admit exactly what #Severity admits, and default to their
// name.
func TestSeverityDefaults(t *testing.T) {
	ctx := cuecontext.New()
	v := ctx.CompileBytes(schema.Source, cue.Filename("schema.cue"))
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	def := func(name string) cue.Value {
		d := v.LookupPath(cue.MakePath(cue.Def(name)))
		if !d.Exists() {
			t.Fatalf("the schema has no #%s", name)
		}
		return d
	}
	severity := def("Severity")
	for name, want := range map[string]string{"SeverityCritical": "critical", "SeverityWarning": "warning"} {
		d := def(name)
		got, ok := d.Default()
		if s, err := got.String(); !ok || err != nil || s != want {
			t.Errorf("#%s defaults to %v (%v), want %q", name, got, err, want)
		}
		for _, x := range []string{"critical", "warning", "info", "page", ""} {
			in := severity.Unify(ctx.CompileString(`"`+x+`"`)).Validate(cue.Concrete(true)) == nil
			if got := d.Unify(ctx.CompileString(`"`+x+`"`)).Validate(cue.Concrete(true)) == nil; got != in {
				t.Errorf("#%s admits %q: %v; #Severity: %v", name, x, got, in)
			}
		}
	}
}
