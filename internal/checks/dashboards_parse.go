package checks

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var dashboardsParse = Check{
	Name: "dashboards/parse",
	Doc: "Every generated dashboard decodes strictly with the grafana-foundation-sdk (no unknown field, none of the wrong type, none required missing) " +
		"to the very dashboard the generator built (the bytes: the one check of the dashboards' encoding; the others read the generator's typed " +
		"dashboards, which every dashboard file must carry, so that what Grafana loads is what they checked).",
	Run: func(in *Input) (out diag.List) {
		const check = "dashboards/parse"
		for _, df := range in.dashboards() {
			f := df.file
			if df.obj == nil {
				// The other dashboard checks read the typed dashboards
				// only: without one, this file would pass them unseen.
				out.Append(at(in, f.Source, check, f.Path, "%v", df.err))
			}
			loaded, err := decodeDashboard(f.Data)
			if err != nil {
				out.Append(at(in, f.Source, check, f.Path, "generated dashboard does not decode: %v", err))
				continue
			}
			if df.obj == nil {
				continue
			}
			if where := differs(reflect.ValueOf(df.obj.Dashboard), reflect.ValueOf(loaded), "dashboard"); where != "" {
				out.Append(at(in, f.Source, check, f.Path,
					"generated dashboard decodes to another dashboard than the generator built (%s): Grafana would load what the checks did not check", where))
			}
		}
		return out
	},
}

// registerPlugins registers the SDK's panel and query types with its
// decoder (a registry of the SDK's own, cog.NewRuntime), so that panel
// options and queries decode to their types (timeseries.Options,
// prometheus.Dataquery) rather than to maps.
var registerPlugins = sync.OnceFunc(plugins.RegisterDefaultPlugins)

// decodeDashboard decodes a dashboard's bytes as the SDK does: strictly
// (Dashboard.UnmarshalJSONStrict: no unknown field, none of the wrong type,
// none required missing) for the errors, and with encoding/json (the SDK's
// UnmarshalJSON methods) for the value. The strict decoder's value cannot
// be used: in grafana-foundation-sdk v0.0.22 (dashboard/types_gen.go)
// Panel.UnmarshalJSONStrict and RowPanel.UnmarshalJSONStrict return their
// empty cog.BuildErrors as a non-nil error, on which
// PanelOrRowPanel.UnmarshalJSONStrict returns before it keeps the panel,
// so every panel decodes empty (without an error: an empty list).
func decodeDashboard(data []byte) (dashboard.Dashboard, error) {
	registerPlugins()
	var strict dashboard.Dashboard
	if err := strict.UnmarshalJSONStrict(data); err != nil {
		// The same: an empty list is no error.
		if errs, ok := err.(cog.BuildErrors); !ok || len(errs) > 0 {
			return dashboard.Dashboard{}, err
		}
	}
	var d dashboard.Dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		return dashboard.Dashboard{}, err
	}
	return d, nil
}

// differs compares the generator's value a with the decoded b and returns
// where they first differ ("" when they do not). It sees through what
// JSON cannot tell apart: a value and a pointer to it behind an interface
// (the builders make values, the SDK's decoder pointers), a nil and an
// empty slice or map (omitempty), an int and a float64 of one value in an
// untyped map.
func differs(a, b reflect.Value, at string) string {
	a, b = indirect(a), indirect(b)
	if !a.IsValid() || !b.IsValid() {
		if a.IsValid() != b.IsValid() && !(empty(a) && empty(b)) {
			return at + " is set on one side only"
		}
		return ""
	}
	if fa, ok := number(a); ok {
		if fb, ok := number(b); ok && fa == fb {
			return ""
		}
		return fmt.Sprintf("%s: %v, decoded %v", at, a, b)
	}
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: %s, decoded %s", at, a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if !a.Type().Field(i).IsExported() {
				continue
			}
			if d := differs(a.Field(i), b.Field(i), at+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d elements, decoded %d", at, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := differs(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", at, i)); d != "" {
				return d
			}
		}
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d entries, decoded %d", at, a.Len(), b.Len())
		}
		iter := a.MapRange()
		for iter.Next() {
			k := iter.Key()
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				return fmt.Sprintf("%s[%v] is not decoded", at, k)
			}
			if d := differs(iter.Value(), bv, fmt.Sprintf("%s[%v]", at, k)); d != "" {
				return d
			}
		}
	default:
		if !a.Comparable() {
			return fmt.Sprintf("%s: a %s cannot be compared", at, a.Type())
		}
		if a.Interface() != b.Interface() {
			return fmt.Sprintf("%s: %v, decoded %v", at, a, b)
		}
	}
	return ""
}

// indirect follows interfaces and pointers to the value (invalid for nil).
func indirect(v reflect.Value) reflect.Value {
	for v.IsValid() && (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	return v
}

// empty: v is nil, or an empty slice or map.
func empty(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return false
}

// number is v as a float64, for the numeric kinds.
func number(v reflect.Value) (float64, bool) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint()), true
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	}
	return 0, false
}
