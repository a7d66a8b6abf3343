package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/e2e/testapps"
)

// The SLO of testdata/spec: its alerts' names, labels and routing.
const (
	sloName     = "resnet-availability"
	sloPage     = "SLOErrorBudgetBurnPage"
	sloTicket   = "SLOErrorBudgetBurnTicket"
	sloAlertPfx = "SLOErrorBudgetBurn"
)

// sloBurn: an error burst burns the SLO's budget; the page reaches the
// webhook (with the SLO's labels and expanded annotations), the ticket,
// firing in Prometheus as well, is held by Alertmanager's generated
// inhibition (its status lists the page as inhibitor) and never delivered;
// both resolve once the burst is over.
func (s *stack) sloBurn(t *testing.T) {
	s.waitBaseline(t, quiet, baselineTimeout)
	ctx := context.Background()
	start := time.Now()
	for _, a := range s.inference {
		a.SetErrorRatio(0.5)
	}
	repaired := false
	repair := func() {
		if !repaired {
			for _, a := range s.inference {
				a.SetErrorRatio(0)
			}
			repaired = true
		}
	}
	defer repair()
	fctx, cancel := context.WithTimeout(ctx, fireTimeout)
	n, page, err := s.hook.WaitAlert(fctx, start, func(_ testapps.Notification, a testapps.Alert) bool {
		return a.Status == "firing" && a.Labels["alertname"] == sloPage
	})
	cancel()
	if err != nil {
		s.explain(t, sloPage)
		t.Fatalf("%s did not reach the webhook within %s of the burst", sloPage, fireTimeout)
	}
	t.Logf("%s delivered %.1fs after the burst: %v", sloPage, time.Since(start).Seconds(), page.Labels)
	checkDelivered(t, n, page, scenario{alert: sloPage, labels: map[string]string{
		"slo": sloName, "slo_tier": "page", "severity": "critical", "team": inferenceTeam,
		"workload": inferenceName, "namespace": namespace, "long": "20s", "short": "4s",
	}, mentions: []string{sloName}})

	// The ticket fires in Prometheus too, and Alertmanager holds it.
	deadline := time.Now().Add(fireTimeout)
	var ticket string
	for time.Now().Before(deadline) && ticket == "" {
		alerts, err := s.am.Alerts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range alerts {
			if a.Labels["alertname"] == sloTicket && a.Labels["slo"] == sloName {
				if a.Status.State != "suppressed" || len(a.Status.InhibitedBy) == 0 {
					t.Logf("ticket in Alertmanager, not inhibited yet: state %s, inhibited by %v", a.Status.State, a.Status.InhibitedBy)
					continue
				}
				ticket = strings.Join(a.Status.InhibitedBy, ",")
			}
		}
		if ticket == "" {
			time.Sleep(500 * time.Millisecond)
		}
	}
	if ticket == "" {
		s.explain(t, sloTicket)
		t.Fatalf("%s was not held by an inhibition in Alertmanager within %s", sloTicket, fireTimeout)
	}
	t.Logf("%s held by Alertmanager, inhibited by %s", sloTicket, ticket)
	// Give the ticket time to be delivered, were it not inhibited.
	time.Sleep(3 * time.Second)

	repairStart := time.Now()
	repair()
	rctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	resolved, _, err := s.hook.WaitAlert(rctx, repairStart, func(_ testapps.Notification, r testapps.Alert) bool {
		return r.Status == "resolved" && r.Fingerprint == page.Fingerprint
	})
	cancel()
	if err != nil {
		t.Fatalf("%s not resolved at the webhook within %s of the end of the burst", sloPage, resolveTimeout)
	}
	t.Logf("%s resolved %.1fs after the burst ended", sloPage, time.Since(repairStart).Seconds())
	// While the page fired, the ticket reached nobody. (Once the page is
	// resolved the ticket may still burn over its longer windows for a few
	// seconds: Alertmanager then delivers it, as it should.)
	for _, n := range s.hook.Since(start) {
		for _, x := range n.Alerts {
			if x.Labels["alertname"] != sloTicket {
				continue
			}
			// The page's resolution is sent at its group's next flush
			// (group_interval 1s), the ticket's release as the page ends:
			// the ticket may come up to that much before the resolution.
			if n.Received.Before(resolved.Received.Add(-1500 * time.Millisecond)) {
				t.Errorf("the inhibited %s reached the webhook while the page fired: %s %v", sloTicket, x.Status, x.Labels)
			} else {
				t.Logf("%s delivered %s once the page was resolved (%.1fs after)", sloTicket, x.Status, n.Received.Sub(resolved.Received).Seconds())
			}
		}
	}
}
