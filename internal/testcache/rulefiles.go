package testcache

import (
	"bytes"
	"strconv"
	"strings"
)

// ruleFilesHint reads the rule_files of a test file laid out as the
// generator writes it — a top-level `rule_files:` line, then one `- item`
// line per pattern, plain or double-quoted — without parsing the YAML (a
// parse of a 90 KB test file costs ~4 ms, and only the rule files are
// needed to look the file up in the cache). ok is false for any other
// layout: the caller then parses the file.
//
// A hint cannot make the cache lie: a key made from it is found only if a
// pass was recorded under that key, and passes are recorded under the rule
// files the runner read from these very bytes (the key covers them). A
// wrong hint costs a miss, never a wrong pass (TestRuleFilesHintMatchesParse
// holds it to the parse on every generated file all the same).
func ruleFilesHint(data []byte) (patterns []string, ok bool) {
	var rest []byte
	if bytes.HasPrefix(data, []byte("rule_files:\n")) {
		rest = data[len("rule_files:\n"):]
	} else {
		i := bytes.Index(data, []byte("\nrule_files:\n"))
		if i < 0 {
			return nil, false
		}
		rest = data[i+len("\nrule_files:\n"):]
		for _, line := range bytes.Split(data[:i], []byte("\n")) {
			if !simpleLine(line) {
				return nil, false
			}
		}
	}
	if bytes.Contains(rest, []byte("\nrule_files:")) {
		return nil, false // a second key: let the parser decide
	}
	for bytes.HasPrefix(rest, []byte("- ")) {
		end := bytes.IndexByte(rest, '\n')
		if end < 0 {
			return nil, false
		}
		item := string(rest[2:end])
		rest = rest[end+1:]
		if len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
			return nil, false // the item goes on, or nests
		}
		if item != "" && item[0] == '"' {
			// No escapes: YAML's and Go's differ.
			u, err := strconv.Unquote(item)
			if err != nil || strings.ContainsAny(item, "\\\x00") {
				return nil, false
			}
			item = u
		} else if !plainPath(item) {
			return nil, false
		}
		patterns = append(patterns, item)
	}
	// What follows must be the next key (or the end): a comment, a bare
	// "-" or anything else might still belong to the list.
	if len(patterns) == 0 || (len(rest) > 0 && !(rest[0] >= 'a' && rest[0] <= 'z')) {
		return nil, false
	}
	return patterns, true
}

// plainPath reports whether a plain (unquoted) YAML scalar is certainly the
// string it spells: a path or glob of ordinary characters, not null, a
// boolean or a number's other spelling, nor anything YAML gives a meaning.
func plainPath(s string) bool {
	if s == "" || !strings.ContainsAny(s, "./*") {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("._/*?-+=", r):
		default:
			return false
		}
	}
	return s[0] != '-' && s[0] != '?' && s[0] != '*'
}

// simpleLine reports whether a line before rule_files is one the generator
// writes there, whose meaning is plain: a comment ("# ...") or a top-level
// `key: value` of letters, digits and underscores (evaluation_interval: 1m).
func simpleLine(line []byte) bool {
	if bytes.HasPrefix(line, []byte("# ")) {
		return true
	}
	key, value, ok := bytes.Cut(line, []byte(": "))
	if !ok || len(key) == 0 || len(value) == 0 || key[0] < 'a' || key[0] > 'z' {
		return false
	}
	for _, part := range [][]byte{key, value} {
		for _, c := range part {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
				return false
			}
		}
	}
	return true
}
