package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/rules"

	"github.com/dataopsgen/dataopsgen/e2e/harness"
	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/slo"
	"github.com/dataopsgen/dataopsgen/internal/sloimport"
)

// slothSpec is a Sloth prometheus/v1 SLO as Sloth's getting-started writes
// one, on series a dataopsgen workload declares (no job matcher: a
// workload's job label is its scrape job's).
const slothSpec = `version: "prometheus/v1"
service: "api"
slos:
  - name: "requests-availability"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
    alerting:
      name: APIHighErrorRate
      page_alert:
        labels:
          severity: critical
      ticket_alert:
        labels:
          severity: warning
`

// TestSlothSameSteps: Sloth v0.16.0 (built from the module proxy, tools/sloth)
// generates its rules for slothSpec; `dataopsgen import sloth` converts the
// same file and dataopsgen builds its rules. Both run in Prometheus's rule
// engine (rules.Manager on promqltest's storage, as promtool does) on the
// same series: a day of 30s scrapes and evaluations with a healthy baseline,
// a total outage, a fast burn, a slow leak and recoveries. The page alert
// of each fires at exactly the same evaluation steps, and so does the
// ticket. The comparison can fail: the dataopsgen rules with the 28-day
// window's page factor (13.44× instead of 14.4×) fire at other steps.
func TestSlothSameSteps(t *testing.T) {
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	binDir, err := harness.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	sloth, err := harness.BuildTool(ctx, root, binDir, harness.Tool{Module: "sloth", Package: "github.com/slok/sloth/cmd/sloth", Name: "sloth"}, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	specPath := filepath.Join(dir, "sloth.yml")
	if err := os.WriteFile(specPath, []byte(slothSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	slothRules := filepath.Join(dir, "sloth-rules.yml")
	if out, err := exec.CommandContext(ctx, sloth, "generate", "--no-log", "-i", specPath, "-o", slothRules).CombinedOutput(); err != nil {
		t.Fatalf("sloth generate: %v\n%s", err, out)
	}

	// dataopsgen: the imported SLO beside a workload that declares the metric.
	imported, diags := sloimport.Sloth(specPath, []byte(slothSpec), sloimport.Options{})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	cue, err := sloimport.CUE("imported", imported)
	if err != nil {
		t.Fatal(err)
	}
	res, diags := build.Files([]load.File{
		{Name: "spec.cue", Data: []byte(`apiVersion: "dataopsgen.dev/v1alpha1"
stack: prometheus: retention: "30d"
workloads: api: {kind: "inference", namespace: "web", inference: models: ["m"]
	metrics: {exported: ["http_requests_total"], appLabels: ["code"]}}
`)},
		{Name: "slos.cue", Data: cue},
	}, build.Options{})
	if diags != nil {
		t.Fatalf("build of the imported SLO: %v", diags.Err())
	}
	ours := filepath.Join(dir, "dataopsgen-rules.yml")
	var found bool
	for _, f := range res.Files {
		if strings.HasPrefix(f.Path, ruletests.Dir+"/rules/slo.") {
			found = true
			if err := os.WriteFile(ours, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !found {
		t.Fatal("no SLO rule file generated")
	}

	const step = 30 * time.Second
	load, n := slothComparisonSeries(step)
	slothPage := firingSteps(t, slothRules, load, n, step, func(l labels.Labels) bool {
		return l.Get("alertname") == "APIHighErrorRate" && l.Get("sloth_severity") == "page"
	})
	slothTicket := firingSteps(t, slothRules, load, n, step, func(l labels.Labels) bool {
		return l.Get("alertname") == "APIHighErrorRate" && l.Get("sloth_severity") == "ticket"
	})
	ourPage := firingSteps(t, ours, load, n, step, func(l labels.Labels) bool { return l.Get("alertname") == slo.PageAlert })
	ourTicket := firingSteps(t, ours, load, n, step, func(l labels.Labels) bool { return l.Get("alertname") == slo.TicketAlert })
	for _, c := range []struct {
		what       string
		sloth, our []bool
	}{{"page", slothPage, ourPage}, {"ticket", slothTicket, ourTicket}} {
		if d := firstDifference(c.sloth, c.our, step); d != "" {
			t.Errorf("%s alerts: Sloth and dataopsgen differ: %s", c.what, d)
		}
		t.Logf("%s: fires at %d of %d steps in both (%s)", c.what, count(c.our), n, spans(c.our, step))
		if count(c.our) == 0 || count(c.our) == n {
			t.Errorf("%s: fires at %d of %d steps: the comparison shows nothing", c.what, count(c.our), n)
		}
	}

	// The negative control: another factor fires at other steps.
	data, err := os.ReadFile(ours)
	if err != nil {
		t.Fatal(err)
	}
	mutated := filepath.Join(dir, "mutated-rules.yml")
	if err := os.WriteFile(mutated, []byte(strings.ReplaceAll(string(data), "> 14.4", "> 13.44")), 0o644); err != nil {
		t.Fatal(err)
	}
	if d := firstDifference(slothPage, firingSteps(t, mutated, load, n, step, func(l labels.Labels) bool { return l.Get("alertname") == slo.PageAlert }), step); d == "" {
		t.Error("the page alert with a 13.44× factor fires at the same steps as Sloth's 14.4×: the comparison cannot see a factor")
	} else {
		t.Logf("negative control (13.44× page factor): %s", d)
	}
}

// slothComparisonSeries is a day of 30s samples of a service answering
// 100 requests a second: 0.047% errors (about half the 99.9% budget's
// rate), then 2h of 1.61% errors (16×: its 1h window crosses 14.4× after
// ~54 minutes, before the 6h one crosses 6×, and pages), a 10-minute
// total outage, 8h of 0.413% (4×: tickets, no page), healthy in between.
//
// The rates are not round: with 0.05% then 1.6%, the 3d window's ratio
// is exactly 0.1% (1×) at one step, where Sloth's ticket fires and
// dataopsgen's does not. Sloth computes the budget as (100 - 99.9) / 100 in
// floats, 0.0009999999999999432, and alerts above 1 × that; dataopsgen's
// budget is the exact 0.001, and a burn rate of exactly 1× is not above 1×. It returns the load command
// and the number of steps.
func slothComparisonSeries(step time.Duration) (string, int) {
	type phase struct {
		d     time.Duration
		ratio float64
	}
	phases := []phase{{3 * time.Hour, 0.00047}, {2 * time.Hour, 0.0161}, {3 * time.Hour, 0.00047}, {10 * time.Minute, 1},
		{3 * time.Hour, 0.00047}, {8 * time.Hour, 0.00413}, {6 * time.Hour, 0.00047}}
	perStep := 100 * step.Seconds()
	var ok, bad []string
	okV, badV := 0.0, 0.0
	n := 0
	for _, p := range phases {
		k := int(p.d / step)
		b := perStep * p.ratio
		ok = append(ok, fmt.Sprintf("%g+%gx%d", okV+perStep-b, perStep-b, k-1))
		bad = append(bad, fmt.Sprintf("%g+%gx%d", badV+b, b, k-1))
		okV += float64(k) * (perStep - b)
		badV += float64(k) * b
		n += k
	}
	load := fmt.Sprintf("load %s\n  http_requests_total{code=\"200\", namespace=\"web\", workload=\"api\"} 0 %s\n  http_requests_total{code=\"500\", namespace=\"web\", workload=\"api\"} 0 %s\n",
		prommodel.Duration(step), strings.Join(ok, " "), strings.Join(bad, " "))
	return load, n + 1
}

// firingSteps evaluates the rule file on the series at every step, as
// promtool does (every group each step, alerts' `for` state restored), and
// reports at which steps an alert match selects is firing.
func firingSteps(t *testing.T, ruleFile, loadCmd string, n int, step time.Duration, match func(labels.Labels) bool) []bool {
	t.Helper()
	ll, err := promqltest.NewLazyLoader(loadCmd, promqltest.LazyLoaderOpts{Parser: parser.NewParser(parser.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	defer ll.Close()
	m := rules.NewManager(&rules.ManagerOptions{
		QueryFunc:    rules.EngineQueryFunc(ll.QueryEngine(), ll.Queryable()),
		AppendableV2: ll.Storage(),
		Context:      context.Background(),
		NotifyFunc:   func(context.Context, string, ...*rules.Alert) {},
		Logger:       slog.New(slog.DiscardHandler),
		Parser:       parser.NewParser(parser.Options{}),
	})
	groups, errs := m.LoadGroups(step, labels.EmptyLabels(), "", nil, false, ruleFile)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", ruleFile, errs)
	}
	var gs []*rules.Group
	for _, g := range groups {
		gs = append(gs, g)
		for _, r := range g.Rules() {
			if ar, ok := r.(*rules.AlertingRule); ok {
				ar.SetRestored(true)
			}
		}
	}
	// Recording rules first, in file order, as one group's rules are: the
	// alerts read what they recorded at the same step.
	sortGroups(gs)
	out := make([]bool, n)
	start := time.Unix(0, 0).UTC()
	for i := range n {
		ts := start.Add(time.Duration(i) * step)
		ll.WithSamplesTill(ts, func(err error) {
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range gs {
				g.Eval(ll.Context(), ts)
			}
		})
		for _, g := range gs {
			for _, r := range g.Rules() {
				if ar, ok := r.(*rules.AlertingRule); ok {
					for _, a := range ar.ActiveAlerts() {
						if a.State == rules.StateFiring && match(a.Labels) {
							out[i] = true
						}
					}
				}
			}
		}
	}
	return out
}

// sortGroups orders groups by the order Sloth and dataopsgen write them in
// (recordings before alerts): by name, with alert groups last.
func sortGroups(gs []*rules.Group) {
	rank := func(g *rules.Group) int {
		for _, r := range g.Rules() {
			if _, ok := r.(*rules.AlertingRule); ok {
				return 1
			}
		}
		return 0
	}
	for i := 1; i < len(gs); i++ {
		for j := i; j > 0 && (rank(gs[j]) < rank(gs[j-1]) || rank(gs[j]) == rank(gs[j-1]) && gs[j].Name() < gs[j-1].Name()); j-- {
			gs[j], gs[j-1] = gs[j-1], gs[j]
		}
	}
}

func firstDifference(a, b []bool, step time.Duration) string {
	for i := range a {
		if a[i] != b[i] {
			return fmt.Sprintf("at step %d (%s) Sloth's fires: %v, the other's: %v", i, time.Duration(i)*step, a[i], b[i])
		}
	}
	return ""
}

func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// spans describes the firing steps as time ranges.
func spans(bs []bool, step time.Duration) string {
	var out []string
	for i := 0; i < len(bs); i++ {
		if !bs[i] {
			continue
		}
		j := i
		for j+1 < len(bs) && bs[j+1] {
			j++
		}
		out = append(out, fmt.Sprintf("%s-%s", time.Duration(i)*step, time.Duration(j)*step))
		i = j
	}
	return strings.Join(out, ", ")
}
