package yamlenc

// Ported from go.yaml.in/yaml/v2 v2.4.4 (resolve.go, encode.go, sorter.go;
// Copyright 2011-2019 Canonical Ltd, Apache License 2.0), specialised to
// the strings of the tree: whether yaml.v2 may write a string plain (it
// would not read back as another type), and its map key order.

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// resolveTable is yaml.v2's: the hint of a scalar's first byte.
var resolveTable = func() (t [256]byte) {
	t['+'] = 'S'
	t['-'] = 'S'
	for _, c := range "0123456789" {
		t[c] = 'D'
	}
	for _, c := range "yYnNtTfFoO~" {
		t[c] = 'M'
	}
	t['.'] = '.'
	return t
}()

// inResolveMap reports whether s is in yaml.v2's resolveMap (bools, nulls,
// infinities, NaN, the merge key).
func inResolveMap(s []byte) bool {
	switch string(s) {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
		"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
		"", "~", "null", "Null", "NULL",
		".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
		"<<":
		return true
	}
	return false
}

// canUsePlain is encoder.stringv's test: the string would read back as a
// string (resolve gives !!str) and is not a base 60 float.
func canUsePlain(s []byte) bool {
	return resolvesToStr(s) && !isBase60Float(s)
}

// resolvesToStr is resolve("", s) == !!str. Strings that may be numbers
// or timestamps go through yaml.v2's own tests (strconv, regexp,
// time.Parse); the rest are refused on cheap necessary conditions first.
func resolvesToStr(s []byte) bool {
	hint := byte('N')
	if len(s) > 0 {
		hint = resolveTable[s[0]]
	}
	if hint == 0 {
		return true
	}
	if inResolveMap(s) {
		return false
	}
	switch hint {
	case '.':
		// ParseFloat of something starting with '.' needs these bytes
		// only (no base prefix: no hex, no inf/nan; it takes '_').
		if !onlyBytes(s, "0123456789.eE+-_") {
			return true
		}
		_, err := strconv.ParseFloat(string(s), 64)
		return err != nil
	case 'D', 'S':
		if len(s) > 4 && s[4] == '-' && onlyBytes(s[:4], "0123456789") {
			if _, ok := parseTimestamp(string(s)); ok {
				return false
			}
		}
		plain := s
		if bytes.IndexByte(s, '_') >= 0 {
			plain = bytes.ReplaceAll(s, []byte("_"), nil)
		}
		if !mayBeNumber(plain) {
			return true
		}
		return !yamlNumber(string(plain))
	}
	return true
}

// mayBeNumber is a necessary condition for yamlNumber: every byte is one
// the integer (base 0 with sign, 0x/0o/0b prefixes) or float syntaxes
// use, and signs appear only where one of them allows it.
func mayBeNumber(p []byte) bool {
	for i, c := range p {
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F', c == '.':
		case c == 'x' || c == 'X' || c == 'o' || c == 'O':
			// Only in a base prefix (0x, -0o): the float syntaxes have
			// no x or o. Refused here, `1x11` (promqltest's notation)
			// costs no failed strconv parses (an error and a copy each).
			if i == 1 && p[0] == '0' || i == 2 && (p[0] == '+' || p[0] == '-') && p[1] == '0' {
				continue
			}
			return false
		case c == '+' || c == '-':
			if i == 0 || p[i-1] == 'e' || p[i-1] == 'E' || i == 2 && p[0] == '0' && p[1] == 'b' {
				continue
			}
			return false
		default:
			return false
		}
	}
	return true
}

// yamlNumber is the 'D'/'S' branch of yaml.v2's resolve after the
// timestamp test, on the string without underscores: does it read as an
// int or a float?
func yamlNumber(plain string) bool {
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return true
	}
	if yamlStyleFloat.MatchString(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return true
		}
	}
	if strings.HasPrefix(plain, "0b") {
		if _, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
			return true
		}
		if _, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
			return true
		}
	} else if strings.HasPrefix(plain, "-0b") {
		if _, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
			return true
		}
	}
	return false
}

func onlyBytes(s []byte, set string) bool {
	for _, c := range s {
		if strings.IndexByte(set, c) < 0 {
			return false
		}
	}
	return true
}

// allowedTimestampFormats and parseTimestamp are yaml.v2's.
var allowedTimestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00", // RCF3339Nano with short date fields.
	"2006-1-2t15:4:5.999999999Z07:00", // RFC3339Nano with short date fields and lower-case "t".
	"2006-1-2 15:4:5.999999999",       // space separated with no time zone
	"2006-1-2",                        // date only
}

func parseTimestamp(s string) (time.Time, bool) {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			break
		}
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return time.Time{}, false
	}
	for _, format := range allowedTimestampFormats {
		if t, err := time.Parse(format, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isBase60Float is yaml.v2's: YAML 1.1 sexagesimal floats are quoted.
func isBase60Float(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	c := s[0]
	if !(c == '+' || c == '-' || c >= '0' && c <= '9') || bytes.IndexByte(s, ':') < 0 {
		return false
	}
	return base60float.Match(s)
}

var base60float = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)

// keyLess is yaml.v2's keyList.Less for two string keys: runes compared
// one by one, letters after other characters, runs of digits compared as
// numbers. It works on bytes: up to the first different rune both keys
// have the same bytes, so byte offsets stand for rune indexes.
func keyLess(a, b []byte) bool {
	i := 0
	for i < len(a) && i < len(b) {
		ra, sa := rune(a[i]), 1
		rb := rune(b[i])
		if ra >= utf8.RuneSelf {
			ra, sa = utf8.DecodeRune(a[i:])
		}
		if rb >= utf8.RuneSelf {
			rb, _ = utf8.DecodeRune(b[i:])
		}
		if ra == rb {
			i += sa
			continue
		}
		al, bl := isLetter(ra), isLetter(rb)
		if al && bl {
			return ra < rb
		}
		if al || bl {
			return bl
		}
		var an, bn int64
		if ra == '0' || rb == '0' {
			// A zero inside a number counts (a leading one does not).
			for j := i; j > 0; {
				r, size := rune(a[j-1]), 1
				if r >= utf8.RuneSelf {
					r, size = utf8.DecodeLastRune(a[:j])
				}
				if !isDigit(r) {
					break
				}
				if r != '0' {
					an, bn = 1, 1
					break
				}
				j -= size
			}
		}
		ad, an := digits(a[i:], an)
		bd, bn := digits(b[i:], bn)
		if an != bn {
			return an < bn
		}
		if ad != bd {
			return ad < bd
		}
		return ra < rb
	}
	return len(a) < len(b)
}

// digits accumulates the run of digits at the start of s into n as
// yaml.v2 does (n*10 + r-'0', also for non-ASCII digits) and returns the
// run's length in runes.
func digits(s []byte, n int64) (int, int64) {
	count := 0
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(s[i:])
		}
		if !isDigit(r) {
			break
		}
		n = n*10 + int64(r-'0')
		count++
		i += size
	}
	return count, n
}

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

func isDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}
