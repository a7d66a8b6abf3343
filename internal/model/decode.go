package model

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue"
)

// decodeValue fills x from v, as cue.Value.Decode would for the model's
// types (json tags name the fields; a Credential written as a string is a
// Literal). It exists because cue.Value.Decode costs about three times as
// much on a large spec: it checks every node for errors and concreteness
// (load has validated the whole value already), and reaches a Credential's
// UnmarshalJSON through a JSON round trip.
//
// Like cue.Value.Decode, it decodes the regular fields the value has (an
// absent optional field leaves the Go field zero), makes a list or struct value
// that is present a non-nil slice or map, and ignores fields the Go type
// does not name (the maps decoded on their own, json:"-").
func decodeValue(v cue.Value, x reflect.Value) error {
	v, _ = v.Default()
	if x.Kind() == reflect.Pointer {
		if x.IsNil() {
			x.Set(reflect.New(x.Type().Elem()))
		}
		x = x.Elem()
	}
	if x.Type() == credentialType && v.Kind() == cue.StringKind {
		s, err := v.String()
		if err != nil {
			return err
		}
		x.Set(reflect.ValueOf(Credential{Literal: s}))
		return nil
	}
	switch x.Kind() {
	case reflect.Struct:
		return decodeStruct(v, x)
	case reflect.Map:
		iter, err := v.Fields()
		if err != nil {
			return err
		}
		m := reflect.MakeMap(x.Type())
		for iter.Next() {
			e := reflect.New(x.Type().Elem()).Elem()
			if err := decodeValue(iter.Value(), e); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(iter.Selector().Unquoted()), e)
		}
		x.Set(m)
	case reflect.Slice:
		iter, err := v.List()
		if err != nil {
			return err
		}
		s := reflect.MakeSlice(x.Type(), 0, 0)
		for iter.Next() {
			e := reflect.New(x.Type().Elem()).Elem()
			if err := decodeValue(iter.Value(), e); err != nil {
				return err
			}
			s = reflect.Append(s, e)
		}
		x.Set(s)
	case reflect.String:
		if v.Kind() == cue.IntKind {
			// A port given by number (metrics.port: 8000): the one string
			// field the schema lets be an int (Port, as its UnmarshalJSON).
			n, err := v.Int64()
			if err != nil {
				return err
			}
			x.SetString(strconv.FormatInt(n, 10))
			return nil
		}
		s, err := v.String()
		if err != nil {
			return err
		}
		x.SetString(s)
	case reflect.Bool:
		b, err := v.Bool()
		if err != nil {
			return err
		}
		x.SetBool(b)
	case reflect.Int:
		n, err := v.Int64()
		if err != nil {
			return err
		}
		x.SetInt(n)
	case reflect.Float64:
		f, err := v.Float64()
		if err != nil {
			return err
		}
		x.SetFloat(f)
	default:
		return fmt.Errorf("model: cannot decode into %v", x.Type())
	}
	return nil
}

// decodeStruct looks up each field the Go type names instead of iterating
// the value's fields: iteration orders the fields (CUE's topological sort,
// the bulk of cue.Value.Decode's cost), which the model does not need.
// LookupPath does not find an optional field that the spec leaves unset, as
// iteration skips it.
func decodeStruct(v cue.Value, x reflect.Value) error {
	for _, f := range structFields(x.Type()) {
		sub := v.LookupPath(f.path)
		if !sub.Exists() {
			continue
		}
		if err := decodeValue(sub, x.Field(f.index)); err != nil {
			return err
		}
	}
	return nil
}

var credentialType = reflect.TypeFor[Credential]()

type goField struct {
	index int
	path  cue.Path
}

var fieldCache sync.Map // reflect.Type -> []goField

// structFields lists the fields of t that have a json name.
func structFields(t reflect.Type) []goField {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]goField)
	}
	var fs []goField
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fs = append(fs, goField{index: i, path: cue.MakePath(cue.Str(name))})
		}
	}
	fieldCache.Store(t, fs)
	return fs
}
