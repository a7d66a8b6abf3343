package promstack

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/alertmanager/alert"
	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/eventrecorder"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/alertmanager/provider"
	"github.com/prometheus/common/model"
	"github.com/prometheus/common/promslog"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestSLOInhibition runs the generated inhibit rules, loaded by
// Alertmanager's own config loader, in Alertmanager's own inhibitor: an
// SLO's firing page silences its ticket, and nothing else: not another
// SLO's ticket of the same workload (the chart's severity rule included),
// not an alert of someone else's that has a tier label, not the page.
func TestSLOInhibition(t *testing.T) {
	s := modeltest.Inline(t, `
stack: prometheus: retention: "30d"
workloads: chat: {kind: "inference", namespace: "serving", inference: models: ["m"]}
slos: {
	avail: {workload: "chat", objective: 99.9, sli: availability: {}}
	latency: {workload: "chat", objective: 99, sli: latency: {threshold: "500ms", buckets: [0.5]}}
}`)
	cfg, _ := BuildAlertmanager(s)
	data, err := artifact.YAML(cfg)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := amconfig.Load(string(data))
	if err != nil {
		t.Fatalf("alertmanager config: %v\n%s", err, data)
	}
	now := time.Now()
	firing := func(ls model.LabelSet) *alert.Alert {
		return &alert.Alert{Alert: model.Alert{Labels: ls, StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour)}}
	}
	wl := func(kv ...string) model.LabelSet {
		ls := model.LabelSet{"namespace": "serving", "workload": "chat", "team": "dataops"}
		for i := 0; i+1 < len(kv); i += 2 {
			ls[model.LabelName(kv[i])] = model.LabelValue(kv[i+1])
		}
		return ls
	}
	page := wl("alertname", "SLOErrorBudgetBurnPage", "slo", "avail", "slo_tier", "page", "severity", "critical", "long", "1h", "short", "5m")
	ticket := wl("alertname", "SLOErrorBudgetBurnTicket", "slo", "avail", "slo_tier", "ticket", "severity", "warning", "long", "3d", "short", "6h")
	otherTicket := wl("alertname", "SLOErrorBudgetBurnTicket", "slo", "latency", "slo_tier", "ticket", "severity", "warning", "long", "1d", "short", "2h")
	foreignPage := model.LabelSet{"alertname": "Foo", "slo_tier": "page", "severity": "critical"}
	foreignTicket := model.LabelSet{"alertname": "Bar", "slo_tier": "ticket", "severity": "warning"}

	ap := &fakeAlerts{alerts: []*alert.Alert{firing(page), firing(ticket), firing(otherTicket), firing(foreignPage), firing(foreignTicket)}, finished: make(chan struct{})}
	ih := inhibit.NewInhibitor(ap, loaded.InhibitRules, promslog.NewNopLogger(), eventrecorder.NopRecorder())
	go func() {
		<-ap.finished
		ih.Stop()
	}()
	ih.Run()
	for _, c := range []struct {
		name  string
		ls    model.LabelSet
		muted bool
	}{
		{"the SLO's ticket", ticket, true},
		{"the SLO's page", page, false},
		{"another SLO's ticket of the same workload", otherTicket, false},
		{"someone else's slo_tier=ticket alert", foreignTicket, false},
	} {
		if got := ih.Mutes(context.Background(), c.ls); got != c.muted {
			t.Errorf("%s: muted %v, want %v (inhibit rules: %+v)", c.name, got, c.muted, cfg.InhibitRules)
		}
	}
}

// fakeAlerts hands the inhibitor a fixed set of alerts (Alertmanager's
// inhibit tests do the same), then one more to know they were processed.
type fakeAlerts struct {
	alerts   []*alert.Alert
	finished chan struct{}
}

func (f *fakeAlerts) GetPending() provider.AlertIterator          { return nil }
func (f *fakeAlerts) Get(model.Fingerprint) (*alert.Alert, error) { return nil, nil }
func (f *fakeAlerts) Put(context.Context, ...*alert.Alert) error  { return nil }
func (f *fakeAlerts) Subscribe(string) provider.AlertIterator {
	ch := make(chan *provider.Alert)
	done := make(chan struct{})
	go func() {
		for _, a := range f.alerts {
			ch <- &provider.Alert{Data: a, Header: map[string]string{}}
		}
		ch <- &provider.Alert{Data: &alert.Alert{Alert: model.Alert{Labels: model.LabelSet{}, StartsAt: time.Now()}}, Header: map[string]string{}}
		close(f.finished)
		<-done
	}()
	return provider.NewAlertIterator(ch, done, nil)
}

func (f *fakeAlerts) SlurpAndSubscribe(name string) ([]*alert.Alert, provider.AlertIterator) {
	return nil, f.Subscribe(name)
}
