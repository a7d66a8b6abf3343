package checks

import (
	"testing"
)

func TestLogQLRegexes(t *testing.T) {
	for _, c := range []struct {
		q    string
		want []string // literals found
	}{
		{`{a="b"}`, nil},
		{`{a=~"x.*"} |~ "err" != "ok" !~ ` + "`a|b`", []string{`"x.*"`, `"err"`, "`a|b`"}},
		{`{a="|~ \"no\""} |= "=~ not" | regexp "(?P<x>.)"`, []string{`"(?P<x>.)"`}},
		{`sum(rate({a="b"} |~ "x" [5m]))`, []string{`"x"`}},
		{`{a="b"} | regexp_extra "x" | logfmt | level =~ "e"`, []string{`"e"`}},
		{`{a="b"} |~ "unterminated`, nil},
		{`{a="b"} |~ 5`, nil},
	} {
		var got []string
		for _, e := range logqlRegexes(c.q) {
			got = append(got, e.literal)
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: got %q, want %q", c.q, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: got %q, want %q", c.q, got, c.want)
			}
		}
	}
}

// FuzzLogQLRegexes: the scanner never panics, and each literal it finds
// is a quoted string of the query.
func FuzzLogQLRegexes(f *testing.F) {
	for _, s := range []string{`{a="b"} |~ "x"`, `{a=~"x"} | regexp ` + "`(?P<a>.)`", `|~ "\"`, "!~`", `regexp"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, e := range logqlRegexes(q) {
			if len(e.literal) < 2 || e.literal[0] != e.literal[len(e.literal)-1] {
				t.Fatalf("%q: literal %q is not quoted", q, e.literal)
			}
			_ = e.compile()
		}
	})
}
