package testcache

import (
	"slices"
	"testing"

	"go.yaml.in/yaml/v2"
)

// parsedRuleFiles is what the runner reads (yaml.v2, as promtool).
func parsedRuleFiles(data []byte) ([]string, error) {
	var v struct {
		RuleFiles []string `yaml:"rule_files"`
	}
	err := yaml.Unmarshal(data, &v)
	return v.RuleFiles, err
}

func TestRuleFilesHint(t *testing.T) {
	for _, c := range []struct {
		name, data string
		want       []string // nil: no hint
	}{
		{"generated", "# header\nevaluation_interval: 1m\nrule_files:\n- rules/a.rules.yaml\ntests:\n- interval: 1m\n", []string{"rules/a.rules.yaml"}},
		{"first line", "rule_files:\n- a.yaml\n- b/*.yaml\n", []string{"a.yaml", "b/*.yaml"}},
		{"quoted", "rule_files:\n- \"a b.yaml\"\n", []string{"a b.yaml"}},
		{"escaped", "rule_files:\n- \"a\\tb.yaml\"\n", nil},
		{"null", "rule_files:\n- null\n", nil},
		{"single quoted", "rule_files:\n- 'a.yaml'\n", nil},
		{"indented items", "rule_files:\n  - a.yaml\n", nil},
		{"flow", "rule_files: [a.yaml]\n", nil},
		{"continued", "rule_files:\n- a\n  b.yaml\n", nil},
		{"trailing space", "rule_files:\n- a.yaml \n", nil},
		{"comment", "rule_files:\n- a.yaml # x\n", nil},
		{"twice", "rule_files:\n- a.yaml\nrule_files:\n- b.yaml\n", nil},
		{"none", "tests: []\n", nil},
		{"empty", "rule_files:\ntests: []\n", nil},
		{"nested", "x:\n  rule_files:\n  - a.yaml\n", nil},
		{"no newline", "rule_files:\n- a.yaml", nil},
	} {
		got, ok := ruleFilesHint([]byte(c.data))
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("%s: hint %q (ok %v), want %q", c.name, got, ok, c.want)
		}
		if ok {
			parsed, err := parsedRuleFiles([]byte(c.data))
			if err != nil || !slices.Equal(parsed, got) {
				t.Errorf("%s: hint %q, yaml.v2 reads %q (%v)", c.name, got, parsed, err)
			}
		}
	}
}

// FuzzRuleFilesHint: whenever the hint reads rule files from bytes that
// yaml.v2 also reads, they are the same. (A wrong hint would only cost a
// cache miss, but it should not be wrong.)
func FuzzRuleFilesHint(f *testing.F) {
	for _, s := range []string{
		"evaluation_interval: 1m\nrule_files:\n- rules/a.rules.yaml\ntests: []\n",
		"rule_files:\n- \"a\\\"b.yaml\"\n- c\n",
		"rule_files:\n- a\n- b\nrule_files:\n- c\n",
		"rule_files:\n- ~\n",
		"rule_files:\n- null\n- true\n- 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := ruleFilesHint(data)
		if !ok {
			return
		}
		parsed, err := parsedRuleFiles(data)
		if err != nil {
			return // the runner refuses the file: it never passes
		}
		if !slices.Equal(parsed, got) {
			t.Fatalf("hint %q, yaml.v2 reads %q", got, parsed)
		}
	})
}
