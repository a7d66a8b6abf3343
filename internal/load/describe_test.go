package load

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/dataopsgen/dataopsgen/schema"
)

// TestEveryPatternDescribed: every regular expression of the schema has
// its description, so that no message falls back to quoting a regex.
func TestEveryPatternDescribed(t *testing.T) {
	lit := regexp.MustCompile(`[=!]~("(?:[^"\\]|\\.)*")`)
	found := 0
	for _, m := range lit.FindAllStringSubmatch(string(schema.Source), -1) {
		re, err := strconv.Unquote(m[1])
		if err != nil {
			t.Fatalf("%s: %v", m[1], err)
		}
		found++
		if _, ok := patterns[re]; !ok {
			t.Errorf("schema pattern %s has no description in patterns (describe.go)", m[0])
		}
	}
	if found < 10 {
		t.Fatalf("found %d patterns in the schema: the test no longer reads it", found)
	}
	for _, r := range keyRules {
		if _, ok := patterns[r.pattern]; !ok {
			t.Errorf("key rule %s: pattern without description", r.path)
		}
	}
}

func TestDescribeBound(t *testing.T) {
	for in, want := range map[string]string{
		`invalid value "5 m" (out of bound =~"^([0-9]+(ms|s|m|h|d|w|y))+$")`: `invalid value "5 m": want a Prometheus duration: numbers with units ms, s, m, h, d, w or y, such as "30s", "5m" or "1h30m"`,
		`invalid value "0s" (out of bound !~"^(0+(ms|s|m|h|d|w|y))+$")`:      `invalid value "0s": want a duration above zero`,
		`invalid value 1.5 (out of bound <1)`:                                `invalid value 1.5: want a number <1`,
		`invalid value 11 (out of bound <=10)`:                               `invalid value 11: want a number <=10`,
		`invalid value "x" (out of bound =~"^unknown$")`:                     `invalid value "x" (out of bound =~"^unknown$")`,
	} {
		if got := describeBound(in); got != want {
			t.Errorf("describeBound(%s)\n got  %s\n want %s", in, got, want)
		}
	}
}
