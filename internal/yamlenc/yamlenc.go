// Package yamlenc writes sigs.k8s.io/yaml.Marshal's bytes without its
// JSON round trip.
//
// sigs.k8s.io/yaml marshals to JSON (so that `json` tags and MarshalJSON
// methods rule), parses that JSON with yaml.v2's YAML parser into a tree of
// interface{} values, and marshals the tree with yaml.v2, whose emitter
// (event queue, reflection, per-character writes) is most of the cost.
// Here the JSON is read into a flat tree holding what yaml.v2's tree holds
// (json.go) and written by a port of yaml.v2's emitter specialised to such
// trees (emit.go, resolve.go).
//
// It exists only for speed: sigs.k8s.io/yaml.Marshal instead costs a cold
// build of 1,000 workloads about half as much CPU again, most of it in the
// rule-test files (docs/performance.md has the figures). sigs.k8s.io/yaml
// stays the reference: TestMarshalMatchesSigsYAML and
// FuzzMarshalMatchesSigsYAML compare with it, and what the tree reader
// does not expect is marshalled by yaml.v2 itself, as sigs.k8s.io/yaml does.
package yamlenc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	yamlv2 "go.yaml.in/yaml/v2"
)

// Marshal is sigs.k8s.io/yaml.Marshal(v), byte for byte, in less time.
func Marshal(v any) ([]byte, error) {
	return Append(nil, v)
}

// Append appends Marshal(v) to dst (a header, say), saving a copy; with a
// nil dst the result is a new slice of the YAML's size.
func Append(dst []byte, v any) ([]byte, error) {
	e := encoders.Get().(*encoder)
	defer e.release()
	// json.Marshal's bytes, in a reused buffer (Encode adds a newline).
	if err := json.NewEncoder(&e.json).Encode(v); err != nil {
		return nil, fmt.Errorf("error marshaling into JSON: %w", err)
	}
	j := e.json.Bytes()
	j = j[:len(j)-1]
	if ok := e.encode(j); ok {
		if dst == nil {
			dst = make([]byte, 0, len(e.out))
		}
		return append(dst, e.out...), nil
	}
	// Characters yaml.v2's reader refuses or reads specially, keys it
	// cannot read, or (not reached with json.Marshal's output) JSON this
	// reader does not expect: the reference path gives the reference
	// result.
	var obj any
	if err := yamlv2.Unmarshal(j, &obj); err != nil {
		return nil, err
	}
	out, err := yamlv2.Marshal(obj)
	if err != nil || dst == nil {
		return out, err
	}
	return append(dst, out...), nil
}

// encoder holds the flat tree and the emitter's state; it is reused.
type encoder struct {
	json  bytes.Buffer
	data  []byte // the JSON
	pos   int
	depth int

	nodes   []node
	members []member // objects' members, each object's sorted
	items   []int32  // arrays' items
	mstack  []member // members of the objects being read
	istack  []int32  // items of the arrays being read
	arena   []byte   // decoded strings, reformatted numbers

	out                   []byte
	indent, column        int
	whitespace, indention bool
}

var encoders = sync.Pool{New: func() any { return new(encoder) }}

// encode writes the YAML of JSON j into e.out, or returns false where
// yaml.v2 would not read j as this reader does (see str, tooLongKey,
// object, parse) or j is not what json.Marshal writes.
func (e *encoder) encode(j []byte) bool {
	e.data = j
	root, ok := e.parse()
	if !ok || e.skipSpace() != len(j) {
		return false
	}
	e.emit(root)
	return true
}

// release returns e to the pool, unless it grew big enough to be better
// left to the garbage collector.
func (e *encoder) release() {
	if cap(e.out) > 1<<20 || e.json.Cap() > 1<<20 || cap(e.nodes) > 1<<16 || cap(e.arena) > 1<<20 {
		return
	}
	e.json.Reset()
	e.data, e.pos, e.depth = nil, 0, 0
	e.nodes, e.members, e.items = e.nodes[:0], e.members[:0], e.items[:0]
	e.mstack, e.istack = e.mstack[:0], e.istack[:0]
	e.arena, e.out = e.arena[:0], e.out[:0]
	encoders.Put(e)
}
