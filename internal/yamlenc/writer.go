package yamlenc

import (
	"bytes"
	"encoding/binary"
	"slices"
	"unicode/utf8"
	"unsafe"
)

// Writer writes one YAML document event by event (maps, sequences,
// strings) with the emitter Marshal uses, so that a generator can write a
// typed value directly, without even json.Marshal: the bytes are
// Marshal's for the value the events describe, provided the caller writes
// what json.Marshal would (fields in Marshal's key order, see SortKeys;
// omitted fields left out; nil slices as Null) and checks OK at the end.
// A string Marshal would not carry through its JSON round trip as it is
// (not UTF-8, characters yaml.v2 refuses) or a key Marshal writes
// specially (long keys) makes OK false: the caller must then use Marshal.
type Writer struct {
	e   encoder
	bad bool
	// memo are the strings StringMemo wrote: where their bytes are in
	// e.out and the emitter's state before and after.
	memo map[string]written
}

// NewWriter returns a writer appending to dst, which must be empty
// or end with a newline (a header).
func NewWriter(dst []byte) *Writer {
	w := &Writer{}
	w.Reset(dst)
	return w
}

// Reset makes w a new writer appending to dst (see NewWriter),
// keeping its memory.
func (w *Writer) Reset(dst []byte) {
	clear(w.memo)
	w.bad = false
	w.e.out = dst
	w.e.indent = -1
	w.e.column = 0
	w.e.whitespace = true
	w.e.indention = true
}

// OK reports whether every string was one the writer writes as Marshal
// does.
func (w *Writer) OK() bool { return !w.bad }

// Bytes ends the document and returns dst with it appended.
func (w *Writer) Bytes() []byte {
	w.e.writeIndent() // DOCUMENT-END
	return w.e.out
}

// BeginMap starts a non-empty block mapping; pass its result to EndMap.
func (w *Writer) BeginMap() int {
	saved := w.e.indent
	w.e.increaseIndent(false, false)
	return saved
}

// EndMap ends the mapping BeginMap started.
func (w *Writer) EndMap(saved int) { w.e.indent = saved }

// Key writes a key of the current mapping; its value follows.
func (w *Writer) Key(k string) {
	// Long keys: Marshal may write them as complex keys or give up on them
	// (tooLongKey); the label names and field names written here are
	// short.
	if ok, _ := carried(k); !ok || len(k) > 128 {
		w.bad = true
		return
	}
	e := &w.e
	e.writeIndent()
	b := bytesOf(k)
	a := analyze(b)
	if a.multiline {
		w.bad = true
		return
	}
	e.scalar(b, a, true)
	e.writeIndicator(":", false, false, false)
}

// BeginSeq starts a non-empty block sequence; mapValue: it is the value
// of a mapping key. Pass its result to EndSeq.
func (w *Writer) BeginSeq(mapValue bool) int {
	saved := w.e.indent
	w.e.increaseIndent(false, mapValue && !w.e.indention)
	return saved
}

// Item starts an item of the current sequence; its value follows.
func (w *Writer) Item() {
	w.e.writeIndent()
	w.e.writeIndicator("-", true, false, true)
}

// EndSeq ends the sequence BeginSeq started.
func (w *Writer) EndSeq(saved int) { w.e.indent = saved }

// String writes a string value.
func (w *Writer) String(s string) {
	ok, ascii := carried(s)
	if !ok {
		w.bad = true
		return
	}
	b := bytesOf(s)
	a := analyze(b)
	// scalar's choice of the plain style (not a key), for ASCII: the
	// common case (series, values) written by writePlainASCII.
	if ascii && !a.hasNewline && a.blockPlainAllowed && canUsePlain(b) {
		saved := w.e.indent
		w.e.increaseIndent(true, false)
		w.e.writePlainASCII(b)
		w.e.indent = saved
		return
	}
	w.e.scalar(b, a, false)
}

// emitState is what the emitter's output for a string depends on,
// besides the string.
type emitState struct {
	indent, column        int
	whitespace, indention bool
}

func (e *encoder) state() emitState {
	return emitState{e.indent, e.column, e.whitespace, e.indention}
}

// written is a string StringMemo wrote: out[start:end], from state from
// to state to.
type written struct {
	from, to   emitState
	start, end int
}

// StringMemo writes s as String does. A string written again from the
// same state (a series name at the same place in every test group) is
// copied from its first writing: the emitter's output is a function of
// the string and the state.
func (w *Writer) StringMemo(s string) {
	e := &w.e
	from := e.state()
	if m, ok := w.memo[s]; ok && m.from == from {
		e.out = append(e.out, e.out[m.start:m.end]...)
		e.indent, e.column, e.whitespace, e.indention = m.to.indent, m.to.column, m.to.whitespace, m.to.indention
		return
	}
	start, bad := len(e.out), w.bad
	w.String(s)
	if w.bad && !bad {
		return // not written (OK is false)
	}
	if w.memo == nil {
		w.memo = make(map[string]written)
	}
	w.memo[s] = written{from: from, to: e.state(), start: start, end: len(e.out)}
}

// writePlainASCII is writePlain (breaks allowed) for an ASCII string the
// plain style was chosen for: no line breaks (they rule the plain style
// out), one byte a column, so runs between spaces are copied whole.
func (e *encoder) writePlainASCII(v []byte) {
	if !e.whitespace {
		e.out = append(e.out, ' ')
		e.column++
	}
	spaces := false
	for i := 0; i < len(v); {
		if v[i] == ' ' {
			if !spaces && e.column > bestWidth && !isSpace(v, i+1) {
				e.writeIndent()
			} else {
				e.out = append(e.out, ' ')
				e.column++
			}
			i++
			spaces = true
			continue
		}
		j := bytes.IndexByte(v[i:], ' ')
		if j < 0 {
			j = len(v) - i
		}
		e.out = append(e.out, v[i:i+j]...)
		e.column += j
		i += j
		e.indention = false
		spaces = false
	}
	e.whitespace = false
	e.indention = false
}

// Null writes null (a nil slice or map without omitempty).
func (w *Writer) Null() { w.e.plainWord("null") }

// EmptyMap writes {}.
func (w *Writer) EmptyMap() {
	w.e.writeIndicator("{", true, true, false)
	w.e.writeIndicator("}", false, false, false)
}

// EmptySeq writes [].
func (w *Writer) EmptySeq() {
	w.e.writeIndicator("[", true, true, false)
	w.e.writeIndicator("]", false, false, false)
}

// SortKeys sorts map keys in the order Marshal writes them (yaml.v2's
// key order, not byte order).
func SortKeys(keys []string) {
	slices.SortFunc(keys, func(a, b string) int {
		if keyLess(bytesOf(a), bytesOf(b)) {
			return -1
		}
		if keyLess(bytesOf(b), bytesOf(a)) {
			return 1
		}
		return 0
	})
}

// carried reports whether s comes out of Marshal's JSON round trip as it
// is and without sending Marshal to its reference path: json.Marshal replaces
// bytes that are not UTF-8, and the tree reader gives up on what yaml.v2
// refuses (checkRune). Everything else json.Marshal escapes (controls,
// <>&, U+2028/9) is read back to the same bytes.
//
// ascii: s is all ASCII.
func carried(s string) (ok, ascii bool) {
	// Eight bytes at a time while all are below DEL: adding 1 to each
	// then sets no high bit (and carries nothing into the next byte).
	ascii = true
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(bytesOf(s[i : i+8]))
		if (x|(x+0x0101010101010101))&0x8080808080808080 != 0 {
			break
		}
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == 0x7F {
				return false, false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || 0x80 <= r && r <= 0x9F || r == 0xFFFE || r == 0xFFFF {
			return false, false
		}
		ascii = false
		i += n
	}
	return true, ascii
}

// bytesOf is s's bytes without a copy: the emitter only reads them.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
