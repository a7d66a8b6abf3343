package checks_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// The wiring checks cannot fail on a correct generator: each case mutates
// the generated files the way a generator bug would, to prove the check
// catches it.

const (
	famValues   = "values/kube-prometheus-stack.yaml"
	famScrape   = "scrape/additional-scrape-configs.yaml"
	famDash     = "dashboards/dataops-overview.json"
	famRuleFile = "prometheus-rules/workloads/ml.yaml"
)

// famLayerOf returns the suffix of the kustomization that lists a file.
func famLayerOf(t *testing.T, in *checks.Input, needle string) string {
	t.Helper()
	for _, f := range in.Files {
		if strings.HasSuffix(f.Path, "kustomization.yaml") && bytes.Contains(f.Data, []byte(needle)) {
			return f.Path
		}
	}
	t.Fatalf("no kustomization mentions %q", needle)
	return ""
}

type famCase struct {
	name string
	edit func(t *testing.T, in *checks.Input) *checks.Input
	want []string
}

func famEditCase(suffix, old, new string) func(t *testing.T, in *checks.Input) *checks.Input {
	return func(t *testing.T, in *checks.Input) *checks.Input { return famEdit(t, in, suffix, old, new) }
}

func famRunCases(t *testing.T, check, spec string, cases []famCase) {
	t.Helper()
	base := famInput(t, spec)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base
			if c.edit != nil {
				in = c.edit(t, base)
			}
			famWant(t, famRun(t, check, in), c.want...)
		})
	}
}
