package checks

import (
	"testing"

	"github.com/prometheus/prometheus/model/labels"
)

// TestNonEmptyIsNewMatcher: a renamed copy of the one compiled name=~".+"
// is the matcher labels.NewMatcher makes for that name.
func TestNonEmptyIsNewMatcher(t *testing.T) {
	for _, name := range []string{"pod", "namespace", "model_name", ""} {
		got, want := nonEmpty(name), labels.MustNewMatcher(labels.MatchRegexp, name, ".+")
		if got.String() != want.String() || got.Name != want.Name || got.Type != want.Type || got.Value != want.Value {
			t.Errorf("nonEmpty(%q) = %s, want %s", name, got, want)
		}
		for _, v := range []string{"", "x", "two words", "\n"} {
			if got.Matches(v) != want.Matches(v) {
				t.Errorf("nonEmpty(%q).Matches(%q) = %v, want %v", name, v, got.Matches(v), want.Matches(v))
			}
		}
	}
	if a, b := nonEmpty("a"), nonEmpty("b"); a.Name != "a" || b.Name != "b" {
		t.Errorf("copies share their name: %s, %s", a, b)
	}
}
