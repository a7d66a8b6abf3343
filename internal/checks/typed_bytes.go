package checks

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// The encoder check of a typed artifact: its bytes, decoded strictly (an
// unknown field or a duplicate key refused) into the type of the value the
// generator marshalled, must give that value back. The comparison is of the
// two values' JSON (encoding/json: maps sorted, the same type's tags on
// both sides), so that nil and empty, or an int and the float64 that an
// `any` field decodes to, compare as the encoder writes them.

// typedBytesMismatch says how data differs from typed (a non-nil pointer
// to the generator's value), or returns nil when data decodes to it.
func typedBytesMismatch(data []byte, typed any) error {
	t := reflect.TypeOf(typed)
	if t == nil || t.Kind() != reflect.Pointer {
		return fmt.Errorf("typed value %T is not a pointer", typed)
	}
	decoded := reflect.New(t.Elem()).Interface()
	if err := yaml.UnmarshalStrict(data, decoded); err != nil {
		return fmt.Errorf("does not decode strictly as %s: %w", t.Elem(), err)
	}
	return sameJSON(typed, decoded)
}

// sameJSON reports where the JSON of decoded differs from want's, or nil.
func sameJSON(want, decoded any) error {
	var w, d any
	for _, x := range []struct {
		v   any
		out *any
	}{{want, &w}, {decoded, &d}} {
		data, err := json.Marshal(x.v)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, x.out); err != nil {
			return err
		}
	}
	if diff := firstDiff(w, d, ""); diff != nil {
		return fmt.Errorf("at %s the bytes say %s, the typed value %s", orRoot(diff.where), jsonOf(diff.got), jsonOf(diff.want))
	}
	return nil
}

// valueDiff is where two JSON values first differ, and what each has there
// (missing: nil).
type valueDiff struct {
	where     string
	want, got any
}

// firstDiff returns the first place (in key order) at which got differs
// from want, or nil when they are equal.
func firstDiff(want, got any, where string) *valueDiff {
	switch x := want.(type) {
	case map[string]any:
		y, ok := got.(map[string]any)
		if !ok {
			break
		}
		keys := slices.Collect(maps.Keys(x))
		for k := range y {
			if _, dup := x[k]; !dup {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			if d := firstDiff(x[k], y[k], where+"."+k); d != nil {
				return d
			}
		}
		return nil
	case []any:
		y, ok := got.([]any)
		if !ok || len(x) != len(y) {
			break
		}
		for i := range x {
			if d := firstDiff(x[i], y[i], fmt.Sprintf("%s[%d]", where, i)); d != nil {
				return d
			}
		}
		return nil
	}
	if reflect.DeepEqual(want, got) {
		return nil
	}
	return &valueDiff{where, want, got}
}

func orRoot(where string) string {
	if where == "" {
		return "the top"
	}
	return strings.TrimPrefix(where, ".")
}

// jsonOf is v as JSON ("nothing" for a missing value).
func jsonOf(v any) string {
	if v == nil {
		return "nothing"
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}
