package artifact

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	yamlv2 "go.yaml.in/yaml/v2"
)

// marshalYAML is sigs.k8s.io/yaml.Marshal, byte for byte, in less time.
//
// sigs.k8s.io/yaml marshals to JSON (so that `json` tags and MarshalJSON
// methods rule), parses that JSON with yaml.v2's YAML parser into a tree of
// interface{} values, and marshals the tree with yaml.v2. The YAML parser
// is a third of the cost; here the JSON is read by a small JSON reader that
// builds the very tree yaml.v2 builds (maps map[interface{}]interface{} with
// string keys, lists []interface{}, strings, numbers resolved as yaml.v2
// resolves plain scalars, bools, nil), which yaml.v2 then marshals as before.
// TestYAMLMatchesSigsYAML compares both on the generators' outputs and on
// awkward values.
func marshalYAML(v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("error marshaling into JSON: %w", err)
	}
	var tree any
	if yamlRefuses(j) {
		err = errRefused
	} else {
		r := jsonReader{data: j}
		tree, err = r.value()
		if err == nil && r.skipSpace() != len(j) {
			err = fmt.Errorf("trailing data at offset %d", r.pos)
		}
	}
	if err != nil {
		// Characters yaml.v2's reader refuses, or (not reached:
		// json.Marshal writes valid JSON) a JSON error: the reference
		// path gives the reference result.
		var obj any
		if err := yamlv2.Unmarshal(j, &obj); err != nil {
			return nil, err
		}
		return yamlv2.Marshal(obj)
	}
	return yamlv2.Marshal(tree)
}

var errRefused = errors.New("characters yaml.v2 reads specially")

// yamlRefuses reports whether j holds a character yaml.v2's reader refuses
// ("control characters are not allowed") or reads as a line break (NEL,
// folded to a space inside a quoted scalar): json.Marshal escapes the
// characters below 0x20 and U+2028/U+2029, but writes DEL, the C1
// controls, U+FFFE and U+FFFF as they are.
func yamlRefuses(j []byte) bool {
	for i := 0; i < len(j); i++ {
		switch c := j[i]; {
		case c == 0x7F:
			return true
		case c == 0xC2 && i+1 < len(j) && j[i+1] >= 0x80 && j[i+1] <= 0x9F:
			return true
		case c == 0xEF && i+2 < len(j) && j[i+1] == 0xBF && (j[i+2] == 0xBE || j[i+2] == 0xBF):
			return true
		}
	}
	return false
}

// jsonReader reads compact JSON as written by encoding/json.
type jsonReader struct {
	data []byte
	pos  int
}

func (r *jsonReader) skipSpace() int {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return r.pos
		}
	}
	return r.pos
}

func (r *jsonReader) value() (any, error) {
	if r.skipSpace() >= len(r.data) {
		return nil, fmt.Errorf("unexpected end of JSON")
	}
	switch c := r.data[r.pos]; {
	case c == '{':
		return r.object()
	case c == '[':
		return r.array()
	case c == '"':
		return r.str()
	case c == 't':
		return r.literal("true", true)
	case c == 'f':
		return r.literal("false", false)
	case c == 'n':
		return r.literal("null", nil)
	case c == '-' || ('0' <= c && c <= '9'):
		return r.number()
	default:
		return nil, fmt.Errorf("unexpected %q at offset %d", c, r.pos)
	}
}

func (r *jsonReader) literal(word string, v any) (any, error) {
	if r.pos+len(word) > len(r.data) || string(r.data[r.pos:r.pos+len(word)]) != word {
		return nil, fmt.Errorf("bad literal at offset %d", r.pos)
	}
	r.pos += len(word)
	return v, nil
}

func (r *jsonReader) object() (any, error) {
	r.pos++ // {
	m := map[interface{}]interface{}{}
	if r.skipSpace() < len(r.data) && r.data[r.pos] == '}' {
		r.pos++
		return m, nil
	}
	for {
		if r.skipSpace() >= len(r.data) || r.data[r.pos] != '"' {
			return nil, fmt.Errorf("expected a key at offset %d", r.pos)
		}
		k, err := r.str()
		if err != nil {
			return nil, err
		}
		if r.skipSpace() >= len(r.data) || r.data[r.pos] != ':' {
			return nil, fmt.Errorf("expected ':' at offset %d", r.pos)
		}
		r.pos++
		v, err := r.value()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			// yaml.v2 refuses duplicate keys; encoding/json never writes them.
			return nil, fmt.Errorf("duplicate key %q", k)
		}
		m[k] = v
		if r.skipSpace() >= len(r.data) {
			return nil, fmt.Errorf("unexpected end of JSON")
		}
		switch r.data[r.pos] {
		case ',':
			r.pos++
		case '}':
			r.pos++
			return m, nil
		default:
			return nil, fmt.Errorf("unexpected %q at offset %d", r.data[r.pos], r.pos)
		}
	}
}

func (r *jsonReader) array() (any, error) {
	r.pos++ // [
	l := []interface{}{}
	if r.skipSpace() < len(r.data) && r.data[r.pos] == ']' {
		r.pos++
		return l, nil
	}
	for {
		v, err := r.value()
		if err != nil {
			return nil, err
		}
		l = append(l, v)
		if r.skipSpace() >= len(r.data) {
			return nil, fmt.Errorf("unexpected end of JSON")
		}
		switch r.data[r.pos] {
		case ',':
			r.pos++
		case ']':
			r.pos++
			return l, nil
		default:
			return nil, fmt.Errorf("unexpected %q at offset %d", r.data[r.pos], r.pos)
		}
	}
}

// str reads a string; one without escapes is copied as is, one with
// escapes is decoded by encoding/json.
func (r *jsonReader) str() (string, error) {
	start := r.pos
	r.pos++ // "
	escaped := false
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case '\\':
			escaped = true
			r.pos += 2
			continue
		case '"':
			r.pos++
			if !escaped {
				return string(r.data[start+1 : r.pos-1]), nil
			}
			var s string
			if err := json.Unmarshal(r.data[start:r.pos], &s); err != nil {
				return "", err
			}
			return s, nil
		}
		r.pos++
	}
	return "", fmt.Errorf("unterminated string at offset %d", start)
}

// number reads a number and resolves it as yaml.v2 resolves a plain scalar
// that starts with a digit or a sign: int (int64 if it does not fit an
// int), then uint64, then float64.
func (r *jsonReader) number() (any, error) {
	start := r.pos
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		if c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || ('0' <= c && c <= '9') {
			r.pos++
			continue
		}
		break
	}
	s := string(r.data[start:r.pos])
	if v, err := strconv.ParseInt(s, 0, 64); err == nil {
		if v == int64(int(v)) {
			return int(v), nil
		}
		return v, nil
	}
	if v, err := strconv.ParseUint(s, 0, 64); err == nil {
		return v, nil
	}
	if yamlStyleFloat.MatchString(s) {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v, nil
		}
	}
	return nil, fmt.Errorf("number %q is not resolved as yaml.v2 would", s)
}

// yamlStyleFloat is yaml.v2's.
var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
