package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"sigs.k8s.io/yaml"
)

// TestBrokenValuesFail shows that the end-to-end suite catches values that
// do not match the overlay: it compiles testdata/spec, breaks one key of the
// generated kube-prometheus-stack values, brings the stack up to the
// operator on a fresh control plane (installStack, as TestEndToEnd does) and
// requires the check TestEndToEnd fails on (startStack → waitOperator) to
// report the break. No harness code reads these keys: only the chart and
// the operator do.
func TestBrokenValuesFail(t *testing.T) {
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bins := buildBinaries(t, root)
	dir := workDir(t)
	compiler := buildCompiler(t, root, dir)
	for _, c := range []struct {
		name string
		// path in the values to a string, and what it becomes.
		path []string
		want string
	}{
		{"RuleSelectorLabel", []string{"prometheus", "prometheusSpec", "ruleSelector", "matchLabels", "release"},
			"is not in the operator's rule files"},
		{"ScrapeSecretName", []string{"prometheus", "prometheusSpec", "additionalScrapeConfigsSecret", "name"},
			"dataops-additional-scrape-configs-typo"},
	} {
		t.Run(c.name, func(t *testing.T) {
			caseDir := filepath.Join(dir, c.name)
			out := filepath.Join(caseDir, "out")
			runBuild(t, compiler, dir, filepath.Join(root, "e2e", "testdata", "spec"), out)
			ov, err := harness.LoadOverlay(out)
			if err != nil {
				t.Fatal(err)
			}
			old := breakValue(t, filepath.Join(out, ov.ValuesFile), c.path)
			t.Logf("values %s: %q → %q", strings.Join(c.path, "."), old, old+"-typo")
			s := installStack(t, root, caseDir, bins, ov)
			_, _, problems := s.operatorOutput(t, 30*time.Second)
			found := false
			for _, p := range problems {
				found = found || strings.Contains(p, c.want)
			}
			if !found {
				t.Fatalf("with %s broken, the operator's output still has what the overlay needs (problems: %q): the e2e would not fail", strings.Join(c.path, "."), problems)
			}
			t.Logf("the e2e fails as it should:\n  %s", strings.Join(problems, "\n  "))
		})
	}
}

// breakValue appends "-typo" to the string at path in a values file and
// returns the old value.
func breakValue(t *testing.T, file string, path []string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(b, &values); err != nil {
		t.Fatal(err)
	}
	m := values
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			t.Fatalf("%s: no %s in %s", file, k, strings.Join(path, "."))
		}
		m = next
	}
	last := path[len(path)-1]
	old, ok := m[last].(string)
	if !ok {
		t.Fatalf("%s: %s is not a string", file, strings.Join(path, "."))
	}
	m[last] = old + "-typo"
	if b, err = yaml.Marshal(values); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return old
}
