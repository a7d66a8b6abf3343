package e2e

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/e2e/testapps"
)

// The SLOs of testdata/spec: their alerts' names, labels and routing.
const (
	sloName     = "resnet-availability"
	sloTTFTName = "chat-ttft"
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
	page, repair := s.sloPageFires(t, sloName, inferenceTeam, inferenceName, func() {
		for _, a := range s.inference {
			a.SetErrorRatio(0.5)
		}
	}, func() {
		for _, a := range s.inference {
			a.SetErrorRatio(0)
		}
	})

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
	resolved := s.waitSLOPageResolved(t, repairStart, page)
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

// sloTTFT: vLLM's first tokens slow down to 2s, over the SLO's 500ms: the
// TTFT SLO's page, computed from the le="0.5" bucket of the stand-in's
// vllm:time_to_first_token_seconds (vLLM's own buckets), reaches the
// webhook with the SLO's labels, and resolves once first tokens are fast
// again.
func (s *stack) sloTTFT(t *testing.T) {
	s.waitBaseline(t, quiet, baselineTimeout)
	page, repair := s.sloPageFires(t, sloTTFTName, vllmTeam, vllmName,
		func() { s.vllm.SetLatencies(2, 0.02, 3) },
		func() { s.vllm.SetLatencies(0.05, 0.02, 1) })
	repairStart := time.Now()
	repair()
	s.waitSLOPageResolved(t, repairStart, page)
}

// sloPageFires injects a fault and waits for the page of SLO slo (on
// workload of team) at the webhook, delivered after the fault, with the
// SLO's labels. repair undoes the fault once (it runs at the end of the
// test if nobody did).
func (s *stack) sloPageFires(t *testing.T, slo, team, workload string, inject, undo func()) (testapps.Alert, func()) {
	t.Helper()
	start := time.Now()
	inject()
	repair := sync.OnceFunc(undo)
	t.Cleanup(repair)
	ctx, cancel := context.WithTimeout(context.Background(), fireTimeout)
	defer cancel()
	n, page, err := s.hook.WaitAlert(ctx, start, func(_ testapps.Notification, a testapps.Alert) bool {
		return a.Status == "firing" && a.Labels["alertname"] == sloPage && a.Labels["slo"] == slo
	})
	if err != nil {
		s.explain(t, sloPage)
		t.Fatalf("%s of SLO %s did not reach the webhook within %s of the fault", sloPage, slo, fireTimeout)
	}
	t.Logf("%s delivered %.1fs after the fault: %v", sloPage, time.Since(start).Seconds(), page.Labels)
	checkDelivered(t, n, page, scenario{alert: sloPage, labels: map[string]string{
		"slo": slo, "slo_tier": "page", "severity": "critical", "team": team,
		"workload": workload, "namespace": namespace, "long": "20s", "short": "4s",
	}, mentions: []string{slo}})
	return page, repair
}

// waitSLOPageResolved waits for the resolution of page at the webhook,
// delivered after the repair.
func (s *stack) waitSLOPageResolved(t *testing.T, repairStart time.Time, page testapps.Alert) testapps.Notification {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), resolveTimeout)
	defer cancel()
	resolved, _, err := s.hook.WaitAlert(ctx, repairStart, func(_ testapps.Notification, r testapps.Alert) bool {
		return r.Status == "resolved" && r.Fingerprint == page.Fingerprint
	})
	if err != nil {
		t.Fatalf("%s of SLO %s not resolved at the webhook within %s of the repair", sloPage, page.Labels["slo"], resolveTimeout)
	}
	t.Logf("%s resolved %.1fs after the repair", sloPage, time.Since(repairStart).Seconds())
	return resolved
}
