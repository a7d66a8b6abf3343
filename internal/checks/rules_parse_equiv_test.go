package checks_test

import (
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// TestRulesParseSharedEntriesEquivalent: on the synthetic spec of 200
// workloads, broken as generator bugs would (mutateRules) and with
// templates broken in some files only (the same texts valid in some rules,
// invalid in others; the same broken texts under different alert names),
// rules/parse reports exactly what it reports with rulefmt.Parse itself.
func TestRulesParseSharedEntriesEquivalent(t *testing.T) {
	in := mutateRules(t, synthInput(t, 200))
	edits := [][2]string{
		{`humanizeDuration }}`, `humanizeDuration }`},
		{`severity: warning`, `severity: '{{ warning'`},
		{`$labels.namespace }}`, `$labels.namespace | nosuch }}`},
	}
	n := 0
	for i := range in.Files {
		f := &in.Files[i]
		if !strings.HasPrefix(f.Path, rules.Dir) {
			continue
		}
		// Every other rule file keeps its texts valid.
		if n++; n%2 == 0 {
			continue
		}
		d := string(f.Data)
		for _, e := range edits {
			d = strings.ReplaceAll(d, e[0], e[1])
		}
		f.Data = []byte(d)
	}
	want := checks.RulesParseRulefmt(fresh(in))
	templates := 0
	for _, d := range want {
		if strings.Contains(d.String(), "template: __alert_") {
			templates++
		}
	}
	if templates < 100 {
		t.Fatalf("only %d template diagnostics of %d: the edits were not applied", templates, len(want))
	}
	t.Logf("%d diagnostics, %d of templates", len(want), templates)
	sameDiags(t, "rules/parse", famCheck(t, "rules/parse").Run(fresh(in)), want)
}
