package ruletests

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"

	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// alertRule is a generated alert with the timing of its scenario.
type alertRule struct {
	rule monitoringv1.Rule
	// forDur is the spec's `for` (not the rule's: a rule that loses it must
	// fail its test).
	forDur time.Duration
	// onFrom is the first evaluation at which the expression can be true
	// after the fault starts, onBy the first from which it surely is (they
	// differ only when a value is within rounding of its threshold).
	onFrom, onBy time.Duration
	// settled is when the alert's value no longer changes (its window is
	// full of bad data): the firing check waits for it when the value is
	// not exactly known before.
	settled time.Duration
}

// notYet is the last evaluation at which the alert cannot be firing yet
// (it may be pending): it proves the `for` is honoured.
func (a alertRule) notYet(tl timeline) time.Duration {
	return tl.before(a.onFrom + a.forDur)
}

// fires is the first evaluation at which the alert must be firing: its
// expression has been true for `for` (and its value has settled).
func (a alertRule) fires(tl timeline) time.Duration {
	return max(tl.ceil(a.onBy+a.forDur), a.settled)
}

// scenario builds one test group.
type scenario struct {
	name  string
	tests []promunit.AlertTestCase
	// build returns the input series, n samples long.
	build func(n int) ([]promunit.Series, error)
}

// quiet asserts that none of the alerts fires at t.
func (s *scenario) quiet(t time.Duration, alerts ...*alertRule) {
	for _, a := range alerts {
		if a != nil {
			s.tests = append(s.tests, promunit.AlertTestCase{EvalTime: modelDur(t), Alertname: a.rule.Alert, ExpAlerts: []promunit.Alert{}})
		}
	}
}

// breaks asserts that a is still quiet at notYet and fires exactly the
// expected alerts by fires; the others stay quiet then.
func (s *scenario) breaks(tl timeline, a *alertRule, exp []promunit.Alert, others ...*alertRule) {
	s.quiet(a.notYet(tl), a)
	s.tests = append(s.tests, promunit.AlertTestCase{EvalTime: modelDur(a.fires(tl)), Alertname: a.rule.Alert, ExpAlerts: exp})
	s.quiet(a.fires(tl), others...)
}

// end is the last evaluation the scenario needs.
func (s *scenario) end() time.Duration {
	var d time.Duration
	for _, t := range s.tests {
		d = max(d, time.Duration(t.EvalTime))
	}
	return d
}

// groups builds the test groups, each with series long enough for its checks.
func groups(tl timeline, scenarios []*scenario) ([]promunit.TestGroup, error) {
	out := make([]promunit.TestGroup, 0, len(scenarios))
	for _, s := range scenarios {
		series, err := s.build(tl.samples(s.end()))
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(s.tests, func(a, b promunit.AlertTestCase) int {
			return cmp.Or(cmp.Compare(a.EvalTime, b.EvalTime), cmp.Compare(a.Alertname, b.Alertname))
		})
		out = append(out, promunit.TestGroup{Name: s.name, Interval: modelDur(tl.step), InputSeries: series, AlertRuleTests: s.tests})
	}
	return out, nil
}

// fire is ex.firing() of a's rule: the expected alerts, filled by ex.run().
func fire(ex *expander, a *alertRule, l labelSet, v float64) []promunit.Alert {
	return []promunit.Alert{ex.firing(a.rule, l, v)}
}

// lookup returns the generated rule named name, true from onset on by
// default, or nil when the workload has no such alert (e.g. jobFailed
// disabled).
func lookup(tl timeline, byName map[string]monitoringv1.Rule, name, forDur string) (*alertRule, error) {
	r, ok := byName[name]
	if !ok {
		return nil, nil
	}
	f, err := dur(forDur)
	if err != nil {
		return nil, err
	}
	return &alertRule{rule: r, forDur: f, onFrom: tl.onset, onBy: tl.onset}, nil
}

// crossing finds when a condition `lhs > rhs` of the test data turns true
// after onset (it stays true: the fault goes on): from is the first grid
// point at which it may be true, by the first at which it surely is, with
// a margin for float rounding between this model and PromQL's evaluation.
func (a *alertRule) crossing(tl timeline, limit time.Duration, cond func(t time.Duration) (lhs, rhs float64)) error {
	const eps = 1e-9
	found := false
	for t := tl.onset; t <= limit; t += tl.step {
		lhs, rhs := cond(t)
		if !found && lhs > rhs-eps*math.Abs(rhs) {
			a.onFrom, found = t, true
		}
		if lhs > rhs+eps*math.Abs(rhs) {
			a.onBy = t
			return nil
		}
	}
	return fmt.Errorf("alert %s: the test data does not cross its threshold by %s", a.rule.Alert, limit)
}

// latest is the largest fire time of the alerts: by then every window is
// full and every `for` has elapsed, the time to assert healthy silence.
func latest(tl timeline, alerts ...*alertRule) time.Duration {
	var d time.Duration
	for _, a := range alerts {
		if a != nil {
			d = max(d, a.fires(tl))
		}
	}
	return d
}

// except are the alerts of all but a (nil entries kept: quiet skips them).
func except(all []*alertRule, a *alertRule) []*alertRule {
	out := make([]*alertRule, 0, len(all))
	for _, o := range all {
		if o != a {
			out = append(out, o)
		}
	}
	return out
}
