// Package alertroute decides where Alertmanager sends an alert, and whether
// an inhibit rule silences it, with Alertmanager's own code: the routing
// tree of github.com/prometheus/alertmanager/dispatch (what `amtool config
// routes test` runs) and the Inhibitor of .../inhibit (what a running
// Alertmanager asks before it notifies). Nothing here re-implements a
// matcher.
package alertroute

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	amconfig "github.com/prometheus/alertmanager/config"
	amcommoncfg "github.com/prometheus/alertmanager/config/common"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/eventrecorder"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/alertmanager/provider/mem"
	"github.com/prometheus/alertmanager/types"
	"github.com/prometheus/common/model"
)

// Router is one loaded Alertmanager configuration.
type Router struct {
	config *amconfig.Config
	root   *dispatch.Route
}

// Load parses an Alertmanager configuration (alertmanager.yaml) as
// Alertmanager does (config.Load: strict, every receiver defined).
func Load(yaml string) (*Router, error) {
	cfg, err := amconfig.Load(yaml)
	if err != nil {
		return nil, err
	}
	return &Router{config: cfg, root: dispatch.NewRoute(cfg.Route, nil)}, nil
}

// Config is the loaded configuration.
func (r *Router) Config() *amconfig.Config { return r.config }

// Labels builds a label set from a map.
func Labels(m map[string]string) model.LabelSet {
	ls := make(model.LabelSet, len(m))
	for k, v := range m {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	return ls
}

// Receivers returns the receivers an alert with labels ls is sent to, in
// the order of the routing tree (dispatch.Route.Match, as `amtool config
// routes test` prints them). A receiver reached by two routes is listed
// twice, as amtool lists it.
func (r *Router) Receivers(ls model.LabelSet) []string {
	var out []string
	for _, route := range r.root.Match(ls) {
		out = append(out, route.RouteOpts.Receiver)
	}
	return out
}

// InhibitRulesFor returns the inhibit rules whose target side matches ls:
// the rules that silence ls whenever an alert matching their source side
// (with the same values of their equal labels) fires.
func (r *Router) InhibitRulesFor(ls model.LabelSet) []amcommoncfg.InhibitRule {
	var out []amcommoncfg.InhibitRule
	for _, cr := range r.config.InhibitRules {
		if inhibit.NewInhibitRule(cr).TargetMatchers.Matches(ls) {
			out = append(out, cr)
		}
	}
	return out
}

// Mutes reports which of targets are silenced by inhibition while firing
// are active (targets themselves are not firing unless listed in firing
// too; an alert never inhibits itself). The decision is the Inhibitor's of
// a running Alertmanager: firing are put into the in-memory alert provider
// Alertmanager uses, the Inhibitor loads them and answers Mutes for each
// target.
func (r *Router) Mutes(targets []model.LabelSet, firing []model.LabelSet) ([]bool, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := slog.New(slog.DiscardHandler)
	alerts, err := mem.NewAlerts(ctx, time.Hour, 0, nil, logger, eventrecorder.NopRecorder(), nil, nil)
	if err != nil {
		return nil, err
	}
	defer alerts.Close()
	now := time.Now()
	for _, ls := range firing {
		a := &types.Alert{Alert: model.Alert{Labels: ls, StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour)}, UpdatedAt: now}
		if err := alerts.Put(ctx, a); err != nil {
			return nil, fmt.Errorf("alert %s: %w", ls, err)
		}
	}
	ih := inhibit.NewInhibitor(alerts, r.config.InhibitRules, logger, eventrecorder.NopRecorder())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ih.Run()
	}()
	defer func() {
		ih.Stop()
		<-done
	}()
	// Run reads every alert already in the provider before it marks the
	// loading finished.
	ih.WaitForLoading()
	out := make([]bool, len(targets))
	for i, ls := range targets {
		out[i] = ih.Mutes(ctx, ls)
	}
	return out, nil
}

// Muted reports whether target is silenced while firing are active.
func (r *Router) Muted(target model.LabelSet, firing ...model.LabelSet) (bool, error) {
	m, err := r.Mutes([]model.LabelSet{target}, firing)
	if err != nil {
		return false, err
	}
	return m[0], nil
}
