package slo

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"time"

	prommodel "github.com/prometheus/common/model"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Tiers.
const (
	TierPage   = "page"
	TierTicket = "ticket"
)

// Alert names, one per tier: a page and a ticket are different alerts,
// so that the chart's severity inhibition (equal alertname) never lets one
// SLO's page silence another SLO's ticket; Alertmanager silences an SLO's
// ticket with its page through the rule of InhibitRules.
const (
	PageAlert   = "SLOErrorBudgetBurnPage"
	TicketAlert = "SLOErrorBudgetBurnTicket"
)

// Label names of the SLO rules and alerts.
const (
	LabelSLO   = "slo"
	LabelTier  = "slo_tier"
	LabelLong  = "long"
	LabelShort = "short"
)

// Plan is one SLO, ready to generate.
type Plan struct {
	SLO      *model.SLO
	Workload *model.Workload // nil when the SLO names none
	SLI      SLI
	// Objective is the share of good events (99.9% is 999/1000), Budget
	// the share of bad ones allowed (1/1000).
	Objective, Budget *big.Rat
	Window            time.Duration
	// Tiers are the enabled tiers, page first.
	Tiers []Tier
	// Windows are the distinct windows of every enabled alert, shortest
	// first: one error-ratio recording rule each.
	Windows []time.Duration
	// Labels of every recorded series: slo, and the workload's namespace
	// and workload labels.
	Labels map[string]string
	Team   string
	// Streams are the input series that test the SLI (SLI.Streams).
	Streams []Stream
}

// Tier is the page or ticket tier of an SLO.
type Tier struct {
	Name     string // TierPage, TierTicket
	Alert    string
	Severity string
	For      time.Duration
	ForText  string
	Pairs    []Pair
	Path     string // slos.x.alerting.page
	// Labels are the SLO's and the tier's extra alert labels; Annotations
	// the tier's, replacing generated ones of the same name.
	Labels, Annotations map[string]string
}

// Pair is one long/short window pair of a tier.
type Pair struct {
	Long, Short time.Duration
	// Factor is the burn rate the pair alerts above: budgetPercent/100 ×
	// window / long.
	Factor *big.Rat
	Path   string // slos.x.alerting.page.windows.0
}

// Threshold is the error ratio the pair alerts above (factor × budget).
func (p *Plan) Threshold(pr Pair) *big.Rat { return new(big.Rat).Mul(pr.Factor, p.Budget) }

// Exhaustion is how long the whole budget lasts when burnt at pr's factor.
func (p *Plan) Exhaustion(pr Pair) time.Duration {
	d := new(big.Rat).Quo(new(big.Rat).SetInt64(int64(p.Window)), pr.Factor)
	f, _ := d.Float64()
	return time.Duration(f).Round(time.Minute)
}

// Dur renders a duration as Prometheus writes it ("1d", "30m").
func Dur(d time.Duration) string { return prommodel.Duration(d).String() }

// RecordName is the error-ratio recording rule over window d.
func RecordName(d time.Duration) string { return "slo:sli_error:ratio_rate" + Dur(d) }

// Names of the budget recording rules.
const (
	ObjectiveRecord       = "slo:objective:ratio"
	BudgetRecord          = "slo:error_budget:ratio"
	BudgetRemainingRecord = "slo:error_budget_remaining:ratio"
)

// reservedLabels are the labels SLO alerts set themselves.
var reservedLabels = map[string]bool{LabelSLO: true, LabelTier: true, LabelLong: true, LabelShort: true, "severity": true, "team": true,
	"namespace": true, "workload": true, "alertname": true}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func parseDuration(s string) (time.Duration, error) {
	d, err := prommodel.ParseDuration(s)
	return time.Duration(d), err
}

// Resolve plans o. Problems are what makes it impossible to compile; a
// plan that compiles may still fail a check (bucket boundaries, windows).
func Resolve(s *model.Spec, o *model.SLO) (*Plan, []Problem) {
	var probs []Problem
	p := &Plan{SLO: o, Labels: map[string]string{LabelSLO: o.Name}, Team: o.Team}
	if o.Workload != "" {
		p.Workload = s.WorkloadByName(o.Workload)
		if p.Workload == nil {
			probs = append(probs, Problem{Path: o.Path("workload"), Message: fmt.Sprintf("no workload %q in workloads%s", o.Workload, suggestWorkload(s, o.Workload))})
			return nil, probs
		}
		p.Labels["namespace"] = p.Workload.Namespace
		p.Labels["workload"] = p.Workload.Name
		if p.Team == "" {
			p.Team = p.Workload.Team
		}
	}
	if p.Team == "" {
		p.Team = "dataops"
	}
	sli, sp := resolveSLI(o, p.Workload)
	probs = append(probs, sp...)
	p.SLI = sli
	if len(sp) == 0 {
		st, err := sli.Streams()
		if err != nil {
			probs = append(probs, Problem{Path: sli.Path, Message: err.Error()})
		}
		p.Streams = st
	}
	obj := ratOf(o.Objective)
	p.Objective = new(big.Rat).Quo(obj, big.NewRat(100, 1))
	p.Budget = new(big.Rat).Sub(big.NewRat(1, 1), p.Objective)
	w, err := parseDuration(o.Window)
	if err != nil || w <= 0 {
		probs = append(probs, Problem{Path: o.Path("window"), Message: "the compliance window must be longer than 0s"})
	}
	p.Window = w
	for _, t := range []struct {
		name, alert string
		spec        *model.SLOTier
	}{{TierPage, PageAlert, &o.Alerting.Page}, {TierTicket, TicketAlert, &o.Alerting.Ticket}} {
		if !t.spec.Enabled {
			continue
		}
		tier := Tier{Name: t.name, Alert: t.alert, Severity: t.spec.Severity, ForText: t.spec.For, Path: o.Path("alerting", t.name),
			Labels: map[string]string{}, Annotations: t.spec.Annotations}
		for _, ls := range []struct {
			m    map[string]string
			path []string
		}{{o.Labels, []string{"labels"}}, {t.spec.Labels, []string{"alerting", t.name, "labels"}}} {
			for _, k := range sortedKeys(ls.m) {
				if reservedLabels[k] {
					probs = append(probs, Problem{Path: o.Path(append(ls.path, k)...), Message: fmt.Sprintf("label %s is the SLO's own: set it with the SLO's fields, not as an extra label", k)})
					continue
				}
				tier.Labels[k] = ls.m[k]
			}
		}
		tier.For, _ = parseDuration(t.spec.For)
		for i, bw := range t.spec.Windows {
			path := o.Path("alerting", t.name, "windows", strconv.Itoa(i))
			long, _ := parseDuration(bw.Long)
			short, _ := parseDuration(bw.Short)
			if long <= 0 || short <= 0 {
				probs = append(probs, Problem{Path: path, Message: "burn-rate windows must be longer than 0s"})
				continue
			}
			if short >= long {
				probs = append(probs, Problem{Path: path + ".short", Message: fmt.Sprintf("the short window (%s) must be shorter than the long one (%s): it is what stops the alert soon after the burn stops", Dur(short), Dur(long))})
			}
			if w > 0 && long > w {
				probs = append(probs, Problem{Path: path + ".long", Message: fmt.Sprintf("the long window (%s) is longer than the compliance window (%s)", Dur(long), Dur(w))})
			}
			factor := new(big.Rat).Mul(new(big.Rat).Quo(ratOf(bw.BudgetPercent), big.NewRat(100, 1)),
				new(big.Rat).SetFrac(big.NewInt(int64(w)), big.NewInt(int64(long))))
			tier.Pairs = append(tier.Pairs, Pair{Long: long, Short: short, Factor: factor, Path: path})
			for _, d := range []time.Duration{long, short} {
				if !slices.Contains(p.Windows, d) {
					p.Windows = append(p.Windows, d)
				}
			}
		}
		p.Tiers = append(p.Tiers, tier)
	}
	slices.Sort(p.Windows)
	if len(probs) > 0 {
		return nil, probs
	}
	return p, nil
}

// Plans resolves every SLO of s that compiles, in name order (the checks
// report the others: slo/sli).
func Plans(s *model.Spec) []*Plan {
	var out []*Plan
	for _, o := range s.SLOs {
		if p, probs := Resolve(s, o); len(probs) == 0 {
			out = append(out, p)
		}
	}
	return out
}

func suggestWorkload(s *model.Spec, name string) string {
	best, bestD := "", len(name)/3+1
	for _, w := range s.Workloads {
		if d := diag.Distance(name, w.Name, bestD); d < bestD {
			best, bestD = w.Name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// CanFire reports whether every window pair's threshold (factor × budget)
// is an error ratio below 1, that some data can exceed.
func (p *Plan) CanFire() bool {
	one := big.NewRat(1, 1)
	for _, t := range p.Tiers {
		for _, pr := range t.Pairs {
			if p.Threshold(pr).Cmp(one) >= 0 {
				return false
			}
		}
	}
	return true
}
