package load

import (
	"slices"
	"strings"

	"cuelang.org/go/cue"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// environments computes each environment's spec: the user's spec with the
// environment's overrides merged over it (structs merge; values and lists
// replace), validated against #Spec as a whole.
func environments(ctx *cue.Context, def, user, full cue.Value, ix *syntaxIndex) ([]*Environment, diag.List) {
	envs := full.LookupPath(cue.ParsePath("environments"))
	it, err := envs.Fields()
	if err != nil {
		return nil, nil
	}
	var names []string
	for it.Next() {
		names = append(names, it.Selector().Unquoted())
	}
	if len(names) == 0 {
		return nil, nil
	}
	slices.Sort(names)
	var base map[string]any
	if err := user.Decode(&base); err != nil {
		return nil, fromCUE(err, "cue")
	}
	delete(base, "environments")
	var out []*Environment
	var diags diag.List
	for _, name := range names {
		var override map[string]any
		if err := envs.LookupPath(cue.MakePath(cue.Str(name))).Decode(&override); err != nil {
			diags.Append(fromCUE(err, "cue")...)
			continue
		}
		merged := Merge(base, override).(map[string]any)
		eix := ix.forEnvironment(name)
		mv := ctx.Encode(merged)
		v := def.Unify(mv)
		if d := validate(def, v, mv, eix); d != nil {
			for i := range d {
				d[i].Message = "environment " + name + ": " + d[i].Message
			}
			diags.Append(d...)
			continue
		}
		out = append(out, &Environment{Name: name, Value: v, Positions: eix.positions})
	}
	if diags != nil {
		return nil, diags.Sorted()
	}
	return out, nil
}

// Merge returns override merged over base: maps merge key by key, anything
// else in override replaces what base has. Neither argument is modified.
func Merge(base, override any) any {
	bm, ok1 := base.(map[string]any)
	om, ok2 := override.(map[string]any)
	if !ok1 || !ok2 {
		return override
	}
	out := make(map[string]any, len(bm)+len(om))
	for k, v := range bm {
		out[k] = v
	}
	for k, v := range om {
		if b, ok := bm[k]; ok {
			out[k] = Merge(b, v)
		} else {
			out[k] = v
		}
	}
	return out
}

// forEnvironment is the syntax index as seen from an environment: paths
// the environment overrides are positioned at the override.
func (ix *syntaxIndex) forEnvironment(name string) *syntaxIndex {
	prefix := PathString("environments", name) + "."
	out := newSyntaxIndex()
	for k, p := range ix.positions {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out.positions[rest] = p
		} else if _, taken := out.positions[k]; !taken && !strings.HasPrefix(k, "environments") {
			out.positions[k] = p
		}
	}
	out.derive = func(out *syntaxIndex) {
		ix.detail()
		dotted := "environments." + name + "."
		for k, p := range ix.stringLits {
			if rest, ok := strings.CutPrefix(k, dotted); ok {
				out.stringLits[rest] = p
			}
		}
		for _, sels := range ix.fields {
			if len(sels) > 2 && sels[0].Unquoted() == "environments" && sels[1].Unquoted() == name {
				out.fields = append(out.fields, sels[2:])
			} else if len(sels) > 0 && sels[0].Unquoted() != "environments" {
				out.fields = append(out.fields, sels)
			}
		}
	}
	return out
}
