package sloimport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

// node is a YAML node with the file it comes from, for positions. An
// absent node (n nil) is positioned where it is missing: at its parent.
type node struct {
	n    *yaml.Node
	file string
	at   diag.Pos
}

// documents parses every YAML document of data.
func documents(file string, data []byte) ([]node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(n.Content) > 0 {
			out = append(out, node{n: n.Content[0], file: file})
		}
	}
}

func (n node) pos() diag.Pos {
	if n.n == nil {
		if !n.at.IsValid() {
			return diag.Pos{File: n.file, Line: 1, Col: 1}
		}
		return n.at
	}
	return diag.Pos{File: n.file, Line: n.n.Line, Col: n.n.Column}
}

// absent is the node a lookup in n finds nothing at.
func (n node) absent() node { return node{file: n.file, at: n.pos()} }

func (n node) ok() bool { return n.n != nil }

// get is the value of key in a mapping (zero node if absent).
func (n node) get(key string) node {
	if n.n == nil || n.n.Kind != yaml.MappingNode {
		return n.absent()
	}
	for i := 0; i+1 < len(n.n.Content); i += 2 {
		if n.n.Content[i].Value == key {
			return node{n: n.n.Content[i+1], file: n.file}
		}
	}
	return n.absent()
}

// keys are a mapping's keys, in order.
func (n node) keys() []string {
	var out []string
	if n.n != nil && n.n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.n.Content); i += 2 {
			out = append(out, n.n.Content[i].Value)
		}
	}
	return out
}

// items are a sequence's items.
func (n node) items() []node {
	var out []node
	if n.n != nil && n.n.Kind == yaml.SequenceNode {
		for _, c := range n.n.Content {
			out = append(out, node{n: c, file: n.file})
		}
	}
	return out
}

func (n node) str() string {
	if n.n == nil || n.n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.n.Value
}

func (n node) float() (float64, error) {
	if n.n == nil || n.n.Kind != yaml.ScalarNode {
		return 0, fmt.Errorf("not a number")
	}
	return strconv.ParseFloat(n.n.Value, 64)
}

func (n node) boolean() bool {
	var b bool
	return n.n != nil && n.n.Decode(&b) == nil && b
}

// stringMap is a mapping of strings.
func (n node) stringMap() map[string]string {
	out := map[string]string{}
	for _, k := range n.keys() {
		out[k] = n.get(k).str()
	}
	return out
}
