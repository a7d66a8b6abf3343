package yamlenc

// The emitter is go.yaml.in/yaml/v2 v2.4.4's (emitterc.go, encode.go;
// Copyright 2011-2019 Canonical Ltd, Apache License 2.0; emitterc.go is a
// port of libyaml, Copyright 2006-2010 Kirill Simonov, MIT License)
// specialised to what yaml.Marshal does with the tree read from JSON:
// block style, best indent 2, best width 80, unicode on, implicit
// document start and end, no tags or anchors, flow style only for empty
// maps and lists. Its state machine becomes recursion; the writers and the
// scalar analysis keep libyaml's logic and state (column, whitespace,
// indention, indent) so that the bytes are the same.

const bestWidth = 80

type scalarStyle uint8

const (
	plainStyle scalarStyle = iota
	singleQuotedStyle
	doubleQuotedStyle
	literalStyle
)

// emit writes the document of root (yaml_emitter_emit from STREAM-START to
// STREAM-END).
func (e *encoder) emit(root int32) {
	e.indent = -1
	e.column = 0
	e.whitespace = true
	e.indention = true
	e.node(root, false)
	e.writeIndent() // DOCUMENT-END
}

// node is yaml_emitter_emit_node for a value; mapping is the emitter's
// mapping_context (the node is a map value).
func (e *encoder) node(i int32, mapping bool) {
	n := &e.nodes[i]
	switch n.kind {
	case nodeNull:
		e.plainWord("null")
	case nodeFalse:
		e.plainWord("false")
	case nodeTrue:
		e.plainWord("true")
	case nodeNumber:
		e.writePlainWord(n.text)
	case nodeString:
		e.scalar(n.text, analyze(n.text), false)
	case nodeObject:
		if n.n == 0 {
			e.writeIndicator("{", true, true, false)
			e.writeIndicator("}", false, false, false)
			return
		}
		e.mapping(e.members[n.first : n.first+n.n])
	case nodeArray:
		if n.n == 0 {
			e.writeIndicator("[", true, true, false)
			e.writeIndicator("]", false, false, false)
			return
		}
		e.sequence(e.items[n.first:n.first+n.n], mapping)
	}
}

// mapping is a block mapping (yaml_emitter_emit_block_mapping_key and
// _value).
func (e *encoder) mapping(ms []member) {
	saved := e.indent
	e.increaseIndent(false, false)
	for _, m := range ms {
		e.writeIndent()
		a := analyze(m.key)
		if !a.multiline && len(m.key) <= 128 { // yaml_emitter_check_simple_key
			e.scalar(m.key, a, true)
			e.writeIndicator(":", false, false, false)
		} else {
			e.writeIndicator("?", true, false, true)
			e.scalar(m.key, a, false)
			e.writeIndent()
			e.writeIndicator(":", true, false, true)
		}
		e.node(m.val, true)
	}
	e.indent = saved
}

// sequence is a block sequence (yaml_emitter_emit_block_sequence_item):
// not indented under a map key.
func (e *encoder) sequence(items []int32, mapping bool) {
	saved := e.indent
	e.increaseIndent(false, mapping && !e.indention)
	for _, it := range items {
		e.writeIndent()
		e.writeIndicator("-", true, false, true)
		e.node(it, false)
	}
	e.indent = saved
}

func (e *encoder) increaseIndent(flow, indentless bool) {
	if e.indent < 0 {
		if flow {
			e.indent = 2
		} else {
			e.indent = 0
		}
	} else if !indentless {
		e.indent += 2
	}
}

// plainWord writes null, true or false: plain, nothing to analyse.
func (e *encoder) plainWord(w string) {
	if !e.whitespace {
		e.out = append(e.out, ' ')
		e.column++
	}
	e.out = append(e.out, w...)
	e.column += len(w)
	e.whitespace = false
	e.indention = false
}

// writePlainWord writes a number (ASCII, no space, no indicator).
func (e *encoder) writePlainWord(w []byte) {
	if !e.whitespace {
		e.out = append(e.out, ' ')
		e.column++
	}
	e.out = append(e.out, w...)
	e.column += len(w)
	e.whitespace = false
	e.indention = false
}

// scalar writes a string: the style encoder.stringv asks for, then
// yaml_emitter_select_scalar_style and yaml_emitter_emit_scalar.
func (e *encoder) scalar(s []byte, a analysis, simpleKey bool) {
	var style scalarStyle
	switch {
	case a.hasNewline:
		style = literalStyle
	case canUsePlain(s):
		style = plainStyle
	default:
		style = doubleQuotedStyle
	}
	if simpleKey && a.multiline {
		style = doubleQuotedStyle
	}
	if style == plainStyle {
		if !a.blockPlainAllowed || len(s) == 0 && simpleKey {
			style = singleQuotedStyle
		}
	}
	if style == singleQuotedStyle && !a.singleQuotedAllowed {
		style = doubleQuotedStyle
	}
	if style == literalStyle && (!a.blockAllowed || simpleKey) {
		style = doubleQuotedStyle
	}
	saved := e.indent
	e.increaseIndent(true, false)
	switch style {
	case plainStyle:
		e.writePlain(s, !simpleKey)
	case singleQuotedStyle:
		e.writeSingleQuoted(s, !simpleKey)
	case doubleQuotedStyle:
		e.writeDoubleQuoted(s, !simpleKey)
	case literalStyle:
		e.writeLiteral(s)
	}
	e.indent = saved
}

// analysis is what yaml_emitter_analyze_scalar finds that matters in block
// context.
type analysis struct {
	hasNewline          bool // encoder.stringv asks for the literal style
	multiline           bool
	blockPlainAllowed   bool
	singleQuotedAllowed bool
	blockAllowed        bool
}

// analyze is yaml_emitter_analyze_scalar (unicode on, block context).
func analyze(v []byte) analysis {
	if len(v) == 0 {
		return analysis{blockPlainAllowed: true, singleQuotedAllowed: true}
	}
	var (
		blockIndicators, lineBreaks, special                                 bool
		leadingSpace, leadingBreak, trailingSpace, trailingBreak, hasNewline bool
		breakSpace, spaceBreak, previousSpace, previousBreak                 bool
	)
	if len(v) >= 3 && (v[0] == '-' && v[1] == '-' && v[2] == '-' || v[0] == '.' && v[1] == '.' && v[2] == '.') {
		blockIndicators = true
	}
	precededByWhitespace := true
	for i, w := 0, 0; i < len(v); i += w {
		c := v[i]
		if i > 0 {
			// Fast paths past the first character: printable ASCII
			// other than space, ':' and '#' changes nothing but the
			// neighbours' flags; a space only marks spaces.
			if byteClass[c]&classQuiet != 0 {
				w = 1
				for i+w < len(v) && byteClass[v[i+w]]&classQuiet != 0 {
					w++
				}
				previousSpace, previousBreak = false, false
				precededByWhitespace = false
				continue
			}
			if c == ' ' {
				w = 1
				if i+1 == len(v) {
					trailingSpace = true
				}
				if previousBreak {
					breakSpace = true
				}
				previousSpace, previousBreak = true, false
				precededByWhitespace = true
				continue
			}
		}
		w = width(c)
		followedByWhitespace := i+w >= len(v) || isBlank(v, i+w)
		if i == 0 {
			switch c {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				blockIndicators = true
			case '?', ':':
				if followedByWhitespace {
					blockIndicators = true
				}
			case '-':
				if followedByWhitespace {
					blockIndicators = true
				}
			}
		} else {
			switch c {
			case ':':
				if followedByWhitespace {
					blockIndicators = true
				}
			case '#':
				if precededByWhitespace {
					blockIndicators = true
				}
			}
		}
		if !isPrintable(v, i) {
			special = true
		}
		if c == ' ' {
			if i == 0 {
				leadingSpace = true
			}
			if i+w == len(v) {
				trailingSpace = true
			}
			if previousBreak {
				breakSpace = true
			}
			previousSpace, previousBreak = true, false
		} else if isBreak(v, i) {
			lineBreaks = true
			if c == '\n' {
				hasNewline = true
			}
			if i == 0 {
				leadingBreak = true
			}
			if i+w == len(v) {
				trailingBreak = true
			}
			if previousSpace {
				spaceBreak = true
			}
			previousSpace, previousBreak = false, true
		} else {
			previousSpace, previousBreak = false, false
		}
		precededByWhitespace = isBlankz(v, i)
	}
	a := analysis{
		hasNewline:          hasNewline,
		multiline:           lineBreaks,
		blockPlainAllowed:   true,
		singleQuotedAllowed: true,
		blockAllowed:        true,
	}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
		a.blockPlainAllowed = false
	}
	if trailingSpace {
		a.blockAllowed = false
	}
	if breakSpace {
		a.blockPlainAllowed = false
		a.singleQuotedAllowed = false
	}
	if spaceBreak || special {
		a.blockPlainAllowed = false
		a.singleQuotedAllowed = false
		a.blockAllowed = false
	}
	if lineBreaks || blockIndicators {
		a.blockPlainAllowed = false
	}
	return a
}

// byteClass flags bytes for the fast paths of analyze and the writers.
var byteClass = func() (t [256]uint8) {
	for c := 0x21; c < 0x7F; c++ {
		if c != ':' && c != '#' {
			t[c] |= classQuiet
		}
	}
	for c := range 256 {
		switch c {
		case '\n', '\r', 0xC2, 0xE2: // breaks start with these
			t[c] |= stopLiteral | stopPlain | stopSingle
		case ' ':
			t[c] |= stopPlain | stopSingle
		case '\'':
			t[c] |= stopSingle
		}
	}
	return t
}()

const (
	// classQuiet: printable ASCII that, past the first character, changes
	// nothing in analyze (not a space, ':' or '#').
	classQuiet = 1 << iota
	// stopX: ends a run the writer of style X copies as is (a space,
	// which may fold, a possible break, a quote to double).
	stopPlain
	stopSingle
	stopLiteral
)

func (e *encoder) putBreak() {
	e.out = append(e.out, '\n')
	e.column = 0
}

func (e *encoder) writeIndent() {
	indent := max(e.indent, 0)
	if !e.indention || e.column > indent || e.column == indent && !e.whitespace {
		e.putBreak()
	}
	for e.column < indent {
		e.out = append(e.out, ' ')
		e.column++
	}
	e.whitespace = true
	e.indention = true
}

func (e *encoder) writeIndicator(ind string, needWhitespace, isWhitespace, isIndention bool) {
	if needWhitespace && !e.whitespace {
		e.out = append(e.out, ' ')
		e.column++
	}
	e.out = append(e.out, ind...)
	e.column += len(ind)
	e.whitespace = isWhitespace
	e.indention = e.indention && isIndention
}

// write copies the character at v[*i].
func (e *encoder) write(v []byte, i *int) {
	w := width(v[*i])
	e.out = append(e.out, v[*i:*i+w]...)
	e.column++
	*i += w
}

// writeRun copies the characters at v[i:] up to the first byte of class
// stop (and at least one character), and returns where it stopped.
func (e *encoder) writeRun(v []byte, i int, stop uint8) int {
	j, cols := i, 0
	for j < len(v) && (j == i || byteClass[v[j]]&stop == 0) {
		if v[j]&0xC0 != 0x80 {
			cols++
		}
		j++
	}
	for j < len(v) && v[j]&0xC0 == 0x80 { // end of the last character
		j++
	}
	e.out = append(e.out, v[i:j]...)
	e.column += cols
	return j
}

func (e *encoder) writeBreak(v []byte, i *int) {
	if v[*i] == '\n' {
		e.putBreak()
		*i++
	} else {
		e.write(v, i)
		e.column = 0
	}
}

func (e *encoder) writePlain(v []byte, allowBreaks bool) {
	if !e.whitespace {
		e.out = append(e.out, ' ')
		e.column++
	}
	spaces, breaks := false, false
	for i := 0; i < len(v); {
		if v[i] == ' ' {
			if allowBreaks && !spaces && e.column > bestWidth && !isSpace(v, i+1) {
				e.writeIndent()
				i++
			} else {
				e.write(v, &i)
			}
			spaces = true
		} else if isBreak(v, i) {
			if !breaks && v[i] == '\n' {
				e.putBreak()
			}
			e.writeBreak(v, &i)
			e.indention = true
			breaks = true
		} else {
			if breaks {
				e.writeIndent()
			}
			i = e.writeRun(v, i, stopPlain)
			e.indention = false
			spaces = false
			breaks = false
		}
	}
	e.whitespace = false
	e.indention = false
}

func (e *encoder) writeSingleQuoted(v []byte, allowBreaks bool) {
	e.writeIndicator("'", true, false, false)
	spaces, breaks := false, false
	for i := 0; i < len(v); {
		if v[i] == ' ' {
			if allowBreaks && !spaces && e.column > bestWidth && i > 0 && i < len(v)-1 && !isSpace(v, i+1) {
				e.writeIndent()
				i++
			} else {
				e.write(v, &i)
			}
			spaces = true
		} else if isBreak(v, i) {
			if !breaks && v[i] == '\n' {
				e.putBreak()
			}
			e.writeBreak(v, &i)
			e.indention = true
			breaks = true
		} else {
			if breaks {
				e.writeIndent()
			}
			if v[i] == '\'' {
				e.out = append(e.out, '\'')
				e.column++
				e.write(v, &i)
			} else {
				i = e.writeRun(v, i, stopSingle)
			}
			e.indention = false
			spaces = false
			breaks = false
		}
	}
	e.writeIndicator("'", false, false, false)
	e.whitespace = false
	e.indention = false
}

func (e *encoder) writeDoubleQuoted(v []byte, allowBreaks bool) {
	spaces := false
	e.writeIndicator("\"", true, false, false)
	bom := isBOM(v)
	for i := 0; i < len(v); {
		c := v[i]
		if c > 0x20 && c < 0x7F && c != '"' && c != '\\' && !bom {
			// Printable ASCII other than a space: as is.
			j := i + 1
			for j < len(v) && v[j] > 0x20 && v[j] < 0x7F && v[j] != '"' && v[j] != '\\' {
				j++
			}
			e.out = append(e.out, v[i:j]...)
			e.column += j - i
			i = j
			spaces = false
			continue
		}
		if !isPrintable(v, i) || bom || isBreak(v, i) || c == '"' || c == '\\' {
			e.writeEscape(v, &i)
			spaces = false
		} else if c == ' ' {
			if allowBreaks && !spaces && e.column > bestWidth && i > 0 && i < len(v)-1 {
				e.writeIndent()
				if isSpace(v, i+1) {
					e.out = append(e.out, '\\')
					e.column++
				}
				i++
			} else {
				e.write(v, &i)
			}
			spaces = true
		} else {
			e.write(v, &i)
			spaces = false
		}
	}
	e.writeIndicator("\"", false, false, false)
	e.whitespace = false
	e.indention = false
}

// writeEscape writes the character at v[*i] as a double-quoted escape.
func (e *encoder) writeEscape(v []byte, i *int) {
	octet := v[*i]
	var w int
	var r rune
	switch {
	case octet&0x80 == 0x00:
		w, r = 1, rune(octet&0x7F)
	case octet&0xE0 == 0xC0:
		w, r = 2, rune(octet&0x1F)
	case octet&0xF0 == 0xE0:
		w, r = 3, rune(octet&0x0F)
	case octet&0xF8 == 0xF0:
		w, r = 4, rune(octet&0x07)
	}
	for k := 1; k < w; k++ {
		r = r<<6 + rune(v[*i+k])&0x3F
	}
	*i += w
	start := len(e.out)
	e.out = append(e.out, '\\')
	switch r {
	case 0x00:
		e.out = append(e.out, '0')
	case 0x07:
		e.out = append(e.out, 'a')
	case 0x08:
		e.out = append(e.out, 'b')
	case 0x09:
		e.out = append(e.out, 't')
	case 0x0A:
		e.out = append(e.out, 'n')
	case 0x0b:
		e.out = append(e.out, 'v')
	case 0x0c:
		e.out = append(e.out, 'f')
	case 0x0d:
		e.out = append(e.out, 'r')
	case 0x1b:
		e.out = append(e.out, 'e')
	case 0x22:
		e.out = append(e.out, '"')
	case 0x5c:
		e.out = append(e.out, '\\')
	case 0x85:
		e.out = append(e.out, 'N')
	case 0xA0:
		e.out = append(e.out, '_')
	case 0x2028:
		e.out = append(e.out, 'L')
	case 0x2029:
		e.out = append(e.out, 'P')
	default:
		if r <= 0xFF {
			e.out = append(e.out, 'x')
			w = 2
		} else if r <= 0xFFFF {
			e.out = append(e.out, 'u')
			w = 4
		} else {
			e.out = append(e.out, 'U')
			w = 8
		}
		for k := (w - 1) * 4; k >= 0; k -= 4 {
			digit := byte((r >> uint(k)) & 0x0F)
			if digit < 10 {
				e.out = append(e.out, digit+'0')
			} else {
				e.out = append(e.out, digit+'A'-10)
			}
		}
	}
	e.column += len(e.out) - start // each byte was put (column++)
}

func (e *encoder) writeLiteral(v []byte) {
	e.writeIndicator("|", true, false, false)
	e.writeBlockScalarHints(v)
	e.putBreak()
	e.indention = true
	e.whitespace = true
	breaks := true
	for i := 0; i < len(v); {
		if isBreak(v, i) {
			e.writeBreak(v, &i)
			e.indention = true
			breaks = true
		} else {
			if breaks {
				e.writeIndent()
			}
			i = e.writeRun(v, i, stopLiteral)
			e.indention = false
			breaks = false
		}
	}
}

func (e *encoder) writeBlockScalarHints(v []byte) {
	if isSpace(v, 0) || isBreak(v, 0) {
		e.writeIndicator("2", false, false, false) // best indent
	}
	var chomp string
	if len(v) == 0 {
		chomp = "-"
	} else {
		i := len(v) - 1
		for v[i]&0xC0 == 0x80 {
			i--
		}
		if !isBreak(v, i) {
			chomp = "-"
		} else if i == 0 {
			chomp = "+"
		} else {
			i--
			for v[i]&0xC0 == 0x80 {
				i--
			}
			if isBreak(v, i) {
				chomp = "+"
			}
		}
	}
	if chomp != "" {
		e.writeIndicator(chomp, false, false, false)
	}
}

// Character classes of yamlprivateh.go (v holds valid UTF-8).

func isPrintable(b []byte, i int) bool {
	return b[i] == 0x0A ||
		b[i] >= 0x20 && b[i] <= 0x7E ||
		b[i] == 0xC2 && b[i+1] >= 0xA0 ||
		b[i] > 0xC2 && b[i] < 0xED ||
		b[i] == 0xED && b[i+1] < 0xA0 ||
		b[i] == 0xEE ||
		b[i] == 0xEF &&
			!(b[i+1] == 0xBB && b[i+2] == 0xBF) &&
			!(b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF))
}

// isBOM is yaml.v2's is_bom, which looks at the start of the value
// whatever the position asked about.
func isBOM(b []byte) bool {
	return len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
}

// isSpace is is_space, false past the end.
func isSpace(b []byte, i int) bool {
	return i < len(b) && b[i] == ' '
}

func isBlank(b []byte, i int) bool {
	return b[i] == ' ' || b[i] == '\t'
}

func isBreak(b []byte, i int) bool {
	return b[i] == '\r' ||
		b[i] == '\n' ||
		b[i] == 0xC2 && b[i+1] == 0x85 ||
		b[i] == 0xE2 && b[i+1] == 0x80 && b[i+2] == 0xA8 ||
		b[i] == 0xE2 && b[i+1] == 0x80 && b[i+2] == 0xA9
}

func isBlankz(b []byte, i int) bool {
	return b[i] == ' ' || b[i] == '\t' || b[i] == 0 || isBreak(b, i)
}

func width(b byte) int {
	switch {
	case b&0x80 == 0x00:
		return 1
	case b&0xE0 == 0xC0:
		return 2
	case b&0xF0 == 0xE0:
		return 3
	case b&0xF8 == 0xF0:
		return 4
	}
	return 0
}
