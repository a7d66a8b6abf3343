package logs

import (
	"fmt"
	"regexp/syntax"
	"strings"
)

// The Promtail chart runs Helm's `tpl` on config.file, so a "{{" anywhere in
// the config would be executed as a template action. Every user-supplied
// string that reaches the config goes through one of these two functions,
// which spell it without "{{" and without changing its meaning. (Alloy's
// config lives in our own ConfigMap and is never templated; it gets the same
// text so that both collectors behave alike.)

// literalReplacement spells a constant as a relabel replacement: "$" expands
// there, so it is doubled, and a "{" directly followed by "{" is written as
// "{${1}" ($1 is "" in a rule without source labels, see staticLabel).
func literalReplacement(v string) string {
	v = strings.ReplaceAll(v, "$", "$$")
	return breakBraces(v, "{${1}")
}

// helmSafeRegex rewrites an RE2 regex whose text contains "{{". Such a brace
// is always a literal (a repetition is "{" followed by a digit), and a
// literal brace can be written \x7B. The result is checked to parse to the
// same regex; anything else (say "{{" inside \Q...\E) is refused.
func helmSafeRegex(re string) (string, error) {
	if !strings.Contains(re, "{{") {
		return re, nil
	}
	var b strings.Builder
	for i := 0; i < len(re); i++ {
		switch c := re[i]; {
		case c == '\\' && i+1 < len(re):
			if re[i+1] == '{' && i+2 < len(re) && re[i+2] == '{' {
				b.WriteString(`\x7B`) // escaped literal brace
			} else {
				b.WriteString(re[i : i+2]) // any other escape, kept whole
			}
			i++
		case c == '{' && i+1 < len(re) && re[i+1] == '{':
			b.WriteString(`\x7B`)
		default:
			b.WriteByte(c)
		}
	}
	out := b.String()
	if strings.Contains(out, "{{") || !sameRegex(re, out) {
		return "", fmt.Errorf("regex %q: cannot be written without \"{{\", which Helm would execute", re)
	}
	return out, nil
}

func sameRegex(a, b string) bool {
	ra, err := syntax.Parse(a, syntax.Perl)
	if err != nil {
		return false
	}
	rb, err := syntax.Parse(b, syntax.Perl)
	return err == nil && ra.Equal(rb)
}

// breakBraces replaces each "{" that is directly followed by another "{".
func breakBraces(s, with string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '{' && i+1 < len(s) && s[i+1] == '{' {
			b.WriteString(with)
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
