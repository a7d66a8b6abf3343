package artifact

// Encoding at the edge: the generators' typed values to the bytes of a
// File.

import (
	"bytes"
	"encoding/json"

	"github.com/dataopsgen/dataopsgen/internal/yamlenc"
)

// YAML marshals a typed value (via JSON, so `json` tags rule and map keys
// are sorted): sigs.k8s.io/yaml.Marshal's bytes, written by yamlenc
// (faster, see docs/performance.md).
func YAML(v any) ([]byte, error) {
	return yamlenc.Marshal(v)
}

// AppendYAML appends YAML(v) to dst (a header, say), saving the copy.
func AppendYAML(dst []byte, v any) ([]byte, error) {
	return yamlenc.Append(dst, v)
}

// YAMLDocs marshals several objects into one multi-document YAML stream,
// document by document (one big document is much slower).
func YAMLDocs[T any](objs []T) ([]byte, error) {
	var b bytes.Buffer
	for i, o := range objs {
		d, err := yamlenc.Marshal(o)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(d)
	}
	return b.Bytes(), nil
}

// YAMLList marshals a list: YAML(items)'s bytes, item by item. The items of
// a block sequence are written independently of each other (each "- "
// item alone is what YAML([]T{item}) writes), and marshalling them one by
// one keeps the encoder's buffers the size of one item: for a list of
// thousands they grew, copying, to the size of the whole list (at 1,000
// workloads half the scrape generator's time).
func YAMLList[T any](items []T) ([]byte, error) {
	if len(items) == 0 {
		return yamlenc.Marshal(items) // "[]" or "null"
	}
	var out []byte
	for i := range items {
		var err error
		if out, err = yamlenc.Append(out, items[i:i+1]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// JSON marshals with two-space indentation and a final newline, without
// HTML escaping (PromQL has '<' and '&').
func JSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
