package yamlenc

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The JSON written by json.Marshal is read into a flat tree: one slice of
// nodes, object members and array items in their own slices, strings
// pointing into the JSON when they have no escapes. It holds what yaml.v2
// would hold after reading that JSON (sigs.k8s.io/yaml reads it with
// yaml.v2's parser into interface{} values): numbers are already in the
// form yaml.v2 prints them, object members are in the order yaml.v2 sorts
// map keys. Anything this reader does not expect makes encode give up, and
// Append then takes the reference path.

type nodeKind uint8

const (
	nodeNull nodeKind = iota
	nodeFalse
	nodeTrue
	nodeNumber
	nodeString
	nodeObject
	nodeArray
)

type node struct {
	kind nodeKind
	// text is a string's value or a number as yaml.v2 prints it.
	text []byte
	// first, n: an object's members[first:first+n] or an array's
	// items[first:first+n].
	first, n int32
}

type member struct {
	key []byte
	val int32
}

// parse reads the JSON value at e.data[e.pos:] and returns its node.
func (e *encoder) parse() (int32, bool) {
	if e.skipSpace() >= len(e.data) {
		return 0, false
	}
	switch c := e.data[e.pos]; {
	case c == '{' || c == '[':
		// yaml.v2 refuses more than 10000 levels: leave deep values to it.
		if e.depth++; e.depth > 1000 {
			return 0, false
		}
		var n int32
		var ok bool
		if c == '{' {
			n, ok = e.object()
		} else {
			n, ok = e.array()
		}
		e.depth--
		return n, ok
	case c == '"':
		s, ok := e.str()
		return e.add(node{kind: nodeString, text: s}), ok
	case c == 't':
		return e.add(node{kind: nodeTrue}), e.literal("true")
	case c == 'f':
		return e.add(node{kind: nodeFalse}), e.literal("false")
	case c == 'n':
		return e.add(node{kind: nodeNull}), e.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		s, ok := e.number()
		return e.add(node{kind: nodeNumber, text: s}), ok
	}
	return 0, false
}

func (e *encoder) add(n node) int32 {
	e.nodes = append(e.nodes, n)
	return int32(len(e.nodes) - 1)
}

func (e *encoder) skipSpace() int {
	for e.pos < len(e.data) {
		switch e.data[e.pos] {
		case ' ', '\t', '\n', '\r':
			e.pos++
		default:
			return e.pos
		}
	}
	return e.pos
}

func (e *encoder) literal(word string) bool {
	if !bytes.HasPrefix(e.data[e.pos:], []byte(word)) {
		return false
	}
	e.pos += len(word)
	return true
}

// expect consumes c after optional space.
func (e *encoder) expect(c byte) bool {
	if e.skipSpace() < len(e.data) && e.data[e.pos] == c {
		e.pos++
		return true
	}
	return false
}

func (e *encoder) object() (int32, bool) {
	e.pos++ // {
	base := len(e.mstack)
	if !e.expect('}') {
		for {
			if e.skipSpace() >= len(e.data) || e.data[e.pos] != '"' {
				return 0, false
			}
			start := e.pos
			k, ok := e.str()
			if !ok || !e.expect(':') || tooLongKey(e.data[start:e.pos]) {
				return 0, false
			}
			v, ok := e.parse()
			if !ok {
				return 0, false
			}
			e.mstack = append(e.mstack, member{k, v})
			if e.expect(',') {
				continue
			}
			if e.expect('}') {
				break
			}
			return 0, false
		}
	}
	ms := e.mstack[base:]
	// yaml.v2 sorts map keys (sorter.go); json.Marshal has written them
	// in byte order (maps) or field order (structs).
	if !slices.IsSortedFunc(ms, cmpMembers) {
		slices.SortFunc(ms, cmpMembers)
	}
	for i := 1; i < len(ms); i++ {
		if bytes.Equal(ms[i-1].key, ms[i].key) {
			return 0, false // yaml.v2 refuses duplicate keys
		}
	}
	first := len(e.members)
	e.members = append(e.members, ms...)
	e.mstack = e.mstack[:base]
	return e.add(node{kind: nodeObject, first: int32(first), n: int32(len(ms))}), true
}

func cmpMembers(a, b member) int {
	if keyLess(a.key, b.key) {
		return -1
	}
	return 1 // only "less than" is ever asked (cmp < 0); equal keys are refused
}

// tooLongKey reports whether yaml.v2 fails to read a JSON object key,
// from its opening quote to the ':': an implicit key of more than 1024
// characters is no key (scannerc.go, yaml_simple_key_is_valid).
func tooLongKey(k []byte) bool {
	return len(k) > 1024+1 && utf8.RuneCount(k) > 1024+1
}

func (e *encoder) array() (int32, bool) {
	e.pos++ // [
	base := len(e.istack)
	if !e.expect(']') {
		for {
			v, ok := e.parse()
			if !ok {
				return 0, false
			}
			e.istack = append(e.istack, v)
			if e.expect(',') {
				continue
			}
			if e.expect(']') {
				break
			}
			return 0, false
		}
	}
	first := len(e.items)
	e.items = append(e.items, e.istack[base:]...)
	n := len(e.istack) - base
	e.istack = e.istack[:base]
	return e.add(node{kind: nodeArray, first: int32(first), n: int32(n)}), true
}

// str reads a string: without escapes it is the JSON's bytes, with escapes
// it is decoded (as yaml.v2 decodes a double-quoted scalar: the JSON
// escapes but "\/" and surrogates) into the arena. Characters yaml.v2's
// reader refuses or reads specially make it fail (see checkRune).
func (e *encoder) str() ([]byte, bool) {
	e.pos++ // "
	d := e.data
	start := e.pos
	for i := start; i < len(d); {
		c := d[i]
		switch {
		case !strClass[c]:
			i++
		case c == '"':
			e.pos = i + 1
			return d[start:i], true
		case c == '\\':
			return e.unescape(start, i)
		case c < 0x20:
			return nil, false
		default:
			n := checkRune(d, i)
			if n == 0 {
				return nil, false
			}
			i += n
		}
	}
	return nil, false
}

func (e *encoder) unescape(start, i int) ([]byte, bool) {
	a := len(e.arena)
	d := e.data
	e.arena = append(e.arena, d[start:i]...)
	for i < len(d) {
		c := d[i]
		switch {
		case !strClass[c]:
			j := i + 1
			for j < len(d) && !strClass[d[j]] {
				j++
			}
			e.arena = append(e.arena, d[i:j]...)
			i = j
			continue
		case c == '"':
			e.pos = i + 1
			return e.arena[a:len(e.arena):len(e.arena)], true
		case c < 0x20:
			return nil, false
		case c != '\\':
			n := checkRune(d, i)
			if n == 0 {
				return nil, false
			}
			e.arena = append(e.arena, d[i:i+n]...)
			i += n
			continue
		}
		if i+1 >= len(d) {
			return nil, false
		}
		switch d[i+1] {
		case '"', '\\': // not '/': yaml.v2 does not know "\/"
			e.arena = append(e.arena, d[i+1])
		case 'b':
			e.arena = append(e.arena, '\b')
		case 'f':
			e.arena = append(e.arena, '\f')
		case 'n':
			e.arena = append(e.arena, '\n')
		case 'r':
			e.arena = append(e.arena, '\r')
		case 't':
			e.arena = append(e.arena, '\t')
		case 'u':
			r, ok := hex4(d[i+2:])
			if !ok || 0xD800 <= r && r <= 0xDFFF {
				return nil, false // yaml.v2 refuses surrogates (json.Marshal writes none)
			}
			e.arena = utf8.AppendRune(e.arena, r)
			i += 6
			continue
		default:
			return nil, false
		}
		i += 2
	}
	return nil, false
}

// strClass marks the bytes str and unescape look at: the quote, the
// backslash, control characters, DEL and the bytes of non-ASCII
// characters.
var strClass = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x7F
	}
	return t
}()

// checkRune returns the length of the character at d[i] (DEL or not
// ASCII), or 0 if yaml.v2's reader refuses it ("control characters are
// not allowed": DEL, the C1 controls, U+FFFE, U+FFFF; bytes that are not
// UTF-8) or reads it as a line break (NEL, folded to a space inside a
// quoted scalar). json.Marshal escapes the characters below 0x20 and
// U+2028/U+2029 but writes those as they are; the reference path then
// gives the reference result.
func checkRune(d []byte, i int) int {
	r, n := utf8.DecodeRune(d[i:])
	if r == utf8.RuneError && n == 1 || r == 0x7F || 0x80 <= r && r <= 0x9F || r == 0xFFFE || r == 0xFFFF {
		return 0
	}
	return n
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number reads a number and returns it as yaml.v2 prints it after reading
// it: yaml.v2 resolves the plain scalar to an int (int64 if it does not
// fit an int), else a uint64, else a float64, and formats that.
func (e *encoder) number() ([]byte, bool) {
	start := e.pos
	simple := true // -?[0-9]+, short enough for an int64
	for e.pos < len(e.data) {
		c := e.data[e.pos]
		if '0' <= c && c <= '9' || c == '-' && e.pos == start {
			e.pos++
			continue
		}
		if c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			simple = false
			e.pos++
			continue
		}
		break
	}
	t := e.data[start:e.pos]
	if simple && len(t) > 0 && len(t) <= 18 && t[len(t)-1] != '-' && (t[0] != '0' || len(t) == 1) {
		if string(t) == "-0" {
			return []byte("0"), true
		}
		if t[0] != '-' || t[1] != '0' {
			return t, true
		}
	}
	s := string(t)
	a := len(e.arena)
	// With '.', 'e' or a sign after the start, ParseInt and ParseUint
	// fail (JSON has no 0x prefix): skip them.
	if simple {
		if v, err := strconv.ParseInt(s, 0, 64); err == nil {
			e.arena = strconv.AppendInt(e.arena, v, 10)
			return e.arena[a:len(e.arena):len(e.arena)], true
		}
		if v, err := strconv.ParseUint(s, 0, 64); err == nil {
			e.arena = strconv.AppendUint(e.arena, v, 10)
			return e.arena[a:len(e.arena):len(e.arena)], true
		}
	}
	if yamlStyleFloat.MatchString(s) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, false
		}
		// Finite: ParseFloat refuses what overflows.
		e.arena = strconv.AppendFloat(e.arena, v, 'g', -1, 64)
	} else {
		return nil, false
	}
	return e.arena[a:len(e.arena):len(e.arena)], true
}

// yamlStyleFloat is yaml.v2's.
var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
