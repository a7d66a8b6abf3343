package dashboards

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestSLODashboard: one SLO dashboard when the spec has SLOs (none
// otherwise), whose panels read the SLOs' recording rules for the $slo
// chosen: the SLI over every compliance window the spec uses, the budget
// remaining, the burn rate over every alert window, the firing alerts.
func TestSLODashboard(t *testing.T) {
	s := modeltest.Inline(t, `
stack: prometheus: retention: "30d"
workloads: chat: {kind: "inference", namespace: "serving", inference: models: ["m"]}
slos: {
	a: {workload: "chat", objective: 99.9, sli: availability: {}}
	b: {workload: "chat", objective: 99, window: "28d", sli: availability: {}
		alerting: ticket: enabled: false}
}`)
	files, err := generate(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || !strings.HasSuffix(files[1].Path, "/dataops-slos.json") {
		t.Fatalf("files %v, want the overview and dataops-slos.json", files)
	}
	var d struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
		Templating struct {
			List []struct{ Name, Query string }
		}
	}
	if err := json.Unmarshal(files[1].Data, &d); err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	all := strings.Join(exprs, "\n")
	for _, want := range []string{
		`1 - slo:sli_error:ratio_rate30d{slo=~"$slo"}`, `1 - slo:sli_error:ratio_rate4w{slo=~"$slo"}`,
		`slo:objective:ratio{slo=~"$slo"}`, `slo:error_budget_remaining:ratio{slo=~"$slo"}`,
		`slo:sli_error:ratio_rate5m{slo=~"$slo"} / on (slo) group_left () slo:error_budget:ratio{slo=~"$slo"}`,
		`slo:sli_error:ratio_rate3d{slo=~"$slo"} / on (slo) group_left () slo:error_budget:ratio{slo=~"$slo"}`,
		`ALERTS{alertname=~"SLOErrorBudgetBurnPage|SLOErrorBudgetBurnTicket", alertstate="firing", slo=~"$slo"}`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no panel queries %s; queries:\n%s", want, all)
		}
	}
	if len(d.Templating.List) != 1 || d.Templating.List[0].Name != "slo" {
		t.Errorf("variables %+v, want slo", d.Templating.List)
	}

	none, err := generate(modeltest.Inline(t, `workloads: chat: {kind: "inference", namespace: "serving", inference: models: ["m"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(none) != 1 {
		t.Errorf("%d dashboards without SLOs, want the overview only", len(none))
	}
}
