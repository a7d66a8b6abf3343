package ruletests

import (
	"fmt"
	"math/big"
	"time"

	"github.com/dataopsgen/dataopsgen/internal/slo"
)

// onset is the step the fault of a scenario starts at: after a healthy
// prelude as long as the longest page short window (every page pair has
// seen a healthy short window), plus a step.
func (x *sloTest) onset() int {
	if x.long {
		return x.longOnset()
	}
	var d time.Duration
	for _, pr := range x.pairs {
		if pr.tier.Name == slo.TierPage || !x.hasTier(slo.TierPage) {
			d = max(d, pr.pair.Short)
		}
	}
	return int(d/x.step) + 1
}

func (x *sloTest) hasTier(name string) bool {
	for _, pr := range x.pairs {
		if pr.tier.Name == name {
			return true
		}
	}
	return false
}

// settle is the number of steps after onset by which every page short
// window holds only the fault.
func (x *sloTest) settle() int { return x.onset() }

// horizon bounds a scenario's simulation: the longest long window and
// `for` after onset.
func (x *sloTest) horizon() int {
	var d time.Duration
	for _, pr := range x.pairs {
		d = max(d, pr.pair.Long+pr.tier.For)
	}
	return x.onset() + int(d/x.step) + 2
}

// run simulates a scenario step by step until done says so (or the
// horizon), and returns the input cut to the steps simulated.
func (x *sloTest) run(sc *sloScenario, phases []phase, done func(i int, sim []firingState) bool) (*sloWorld, []firingState, error) {
	limit := x.horizon()
	// Most scenarios settle within a few short windows: simulate on a
	// short input first, on a longer one (from the start) if need be.
	for n := min(limit, 4*x.onset()+8); ; n = min(limit, 2*n) {
		w, _ := x.world(phases, n)
		var sim []firingState
		for i := range n {
			sim = append(sim, x.simulate(w, i, sim)...)
			if done(i, sim) {
				w, sc.input = x.world(phases, i+1)
				return w, sim, nil
			}
		}
		if n == limit {
			return nil, nil, fmt.Errorf("scenario %q: not settled within %s", sc.name, time.Duration(limit)*x.step)
		}
	}
}

func (x *sloTest) quietThrough(sc *sloScenario, sim []firingState) error {
	for i, st := range sim {
		for j, on := range st.firing {
			if on {
				return fmt.Errorf("scenario %q: the %s/%s %s pair fires at %s", sc.name, slo.Dur(x.pairs[j].pair.Long), slo.Dur(x.pairs[j].pair.Short), x.pairs[j].tier.Name, time.Duration(i)*x.step)
			}
		}
	}
	return nil
}

func (x *sloTest) healthyScenario() (*sloScenario, error) {
	sc := &sloScenario{name: fmt.Sprintf("healthy: %s× the sustainable burn rate: no alert, budget remaining as counted", slo.Number(x.healthy))}
	phases := []phase{{0, x.share(x.healthy)}}
	end := x.onset() // every page pair's windows hold healthy data by then
	w, sim, err := x.run(sc, phases, func(i int, _ []firingState) bool { return i == end })
	if err != nil {
		return nil, err
	}
	if err := x.quietThrough(sc, sim); err != nil {
		return nil, err
	}
	x.checkAt(sc, sim, end)
	x.ratioChecks(sc, w, end)
	bad, all := x.events(phases, end)
	return sc, x.budgetCheck(sc, w, end, bad, all)
}

func (x *sloTest) noTrafficScenario() (*sloScenario, error) {
	what := "requests stop"
	if x.p.SLI.Gauge {
		what = "the gauge's series end"
	}
	sc := &sloScenario{name: "no traffic: " + what + " after a healthy start: no alert"}
	phases := []phase{{0, x.share(x.healthy)}, {x.onset(), nil}}
	end := x.onset() + x.settle()
	w, sim, err := x.run(sc, phases, func(i int, _ []firingState) bool { return i == end })
	if err != nil {
		return nil, err
	}
	if err := x.quietThrough(sc, sim); err != nil {
		return nil, err
	}
	x.checkAt(sc, sim, x.onset()+1)
	x.checkAt(sc, sim, end)
	// The budget keeps what the traffic before the stop spent.
	bad, all := x.events(phases, end)
	return sc, x.budgetCheck(sc, w, end, bad, all)
}

func (x *sloTest) outageScenario() (*sloScenario, error) {
	what := "every event fails"
	if x.p.SLI.Gauge {
		what = "the gauge is 0"
	}
	sc := &sloScenario{name: "total outage: " + what + " after a healthy start: every pair fires at its step, the page within its short window and for; " +
		"once it is over, each page stops as its short window clears"}
	onset := x.onset()
	phases := []phase{{0, x.share(x.healthy)}, {onset, big.NewRat(1, 1)}}
	// The fastest page: within its short window and `for` of the onset.
	promise := -1
	for _, pr := range x.pairs {
		if pr.tier.Name != slo.TierPage {
			continue
		}
		at := onset + int((pr.pair.Short+pr.tier.For+x.step-1)/x.step)
		if promise < 0 || at < promise {
			promise = at
		}
	}
	first := make([]int, len(x.pairs))
	for j := range first {
		first[j] = -1
	}
	_, sim, err := x.run(sc, phases, func(i int, sim []firingState) bool {
		all := true
		for j := range x.pairs {
			if first[j] < 0 && sim[i].firing[j] {
				first[j] = i
			}
			all = all && first[j] >= 0
		}
		return all && i >= promise
	})
	if err != nil {
		return nil, err
	}
	// The outage ends: each page pair stops once its short window no
	// longer burns faster than its factor, long before its long window
	// would (that is what the short window is for).
	recover := len(sim)
	phases = append(phases, phase{recover, x.share(x.healthy)})
	stop := make([]int, len(x.pairs))
	_, sim, err = x.run(sc, phases, func(i int, sim []firingState) bool {
		if i < recover {
			return false
		}
		all := true
		for j, pr := range x.pairs {
			if pr.tier.Name != slo.TierPage {
				continue
			}
			if stop[j] == 0 && !sim[i].firing[j] {
				stop[j] = i
			}
			all = all && stop[j] > 0
		}
		return all
	})
	if err != nil {
		return nil, err
	}
	for j, f := range first {
		if f < onset {
			return nil, fmt.Errorf("scenario %q: the %s pair fires before the outage", sc.name, x.pairs[j].tier.Name)
		}
		x.checkAt(sc, sim, f-1)
		x.checkAt(sc, sim, f)
		if stop[j] > 0 {
			x.checkAt(sc, sim, stop[j]-1)
			x.checkAt(sc, sim, stop[j])
		}
	}
	if promise >= 0 {
		if !x.anyFiring(sim[promise], slo.TierPage) {
			return nil, fmt.Errorf("scenario %q: no page within the short window and for of the outage (%s)", sc.name, time.Duration(promise-onset)*x.step)
		}
		x.checkAt(sc, sim, promise)
	}
	return sc, nil
}

func (x *sloTest) leakScenario() (*sloScenario, error) {
	if x.leak == nil {
		return nil, nil
	}
	sc := &sloScenario{name: fmt.Sprintf("slow leak: %s× the sustainable burn rate after a healthy start: every ticket pair below it fires, no page", slo.Number(x.leak))}
	onset := x.onset()
	phases := []phase{{0, x.share(x.healthy)}, {onset, x.share(x.leak)}}
	first := make([]int, len(x.pairs))
	for j := range first {
		first[j] = -1
	}
	end := onset + x.settle()
	_, sim, err := x.run(sc, phases, func(i int, sim []firingState) bool {
		all := true
		for j, pr := range x.pairs {
			if pr.tier.Name != slo.TierTicket || pr.pair.Factor.Cmp(x.leak) >= 0 {
				continue
			}
			if first[j] < 0 && sim[i].firing[j] {
				first[j] = i
			}
			all = all && first[j] >= 0
		}
		return all && i >= end
	})
	if err != nil {
		return nil, err
	}
	for i, st := range sim {
		if x.anyFiring(st, slo.TierPage) {
			return nil, fmt.Errorf("scenario %q: a page fires at %s", sc.name, time.Duration(i)*x.step)
		}
	}
	for _, f := range first {
		if f >= 0 {
			x.checkAt(sc, sim, f-1)
			x.checkAt(sc, sim, f)
		}
	}
	x.checkAt(sc, sim, len(sim)-1)
	return sc, nil
}

// share is the share of bad events at a burn rate.
func (x *sloTest) share(burn *big.Rat) *big.Rat { return new(big.Rat).Mul(burn, x.p.Budget) }

// fastBurnScenario burns at 1.25× the highest page factor: the pages'
// windows fill with it gradually, so each page pair fires at a step that
// its factor decides (the total outage trips every pair at once).
func (x *sloTest) fastBurnScenario() (*sloScenario, error) {
	var top *big.Rat
	for _, pr := range x.pairs {
		if pr.tier.Name == slo.TierPage && (top == nil || pr.pair.Factor.Cmp(top) > 0) {
			top = pr.pair.Factor
		}
	}
	if top == nil {
		return nil, nil
	}
	burn := new(big.Rat).Mul(top, big.NewRat(5, 4))
	if new(big.Rat).Mul(burn, x.p.Budget).Cmp(big.NewRat(1, 1)) > 0 {
		return nil, nil // above 100% errors: the outage is the fastest burn there is
	}
	sc := &sloScenario{name: fmt.Sprintf("fast burn: %s× the sustainable burn rate after a healthy start: each page pair fires when its windows cross its factor", slo.Number(burn))}
	onset := x.onset()
	phases := []phase{{0, x.share(x.healthy)}, {onset, x.share(burn)}}
	first := make([]int, len(x.pairs))
	for j := range first {
		first[j] = -1
	}
	_, sim, err := x.run(sc, phases, func(i int, sim []firingState) bool {
		all := true
		for j, pr := range x.pairs {
			if pr.tier.Name != slo.TierPage {
				continue
			}
			if first[j] < 0 && sim[i].firing[j] {
				first[j] = i
			}
			all = all && first[j] >= 0
		}
		return all
	})
	if err != nil {
		return nil, err
	}
	for _, f := range first {
		if f >= 0 {
			x.checkAt(sc, sim, f-1)
			x.checkAt(sc, sim, f)
		}
	}
	return sc, nil
}

// The long test (tests/slo.<name>.long.test.yaml) is the tickets' own: on
// a grid of half their shortest window, a healthy prelude longer than
// their longest window, then the slow leak until every ticket pair below
// it fires, then healthy again until each stops as its short window
// clears. Its windows are full where the main file's, hours long, cannot
// be: a ticket window of the wrong length fires or stops at another step.

// longOnset is after one whole longest ticket window of healthy data.
func (x *sloTest) longOnset() int {
	var d time.Duration
	for _, pr := range x.pairs {
		if pr.tier.Name == slo.TierTicket {
			d = max(d, pr.pair.Long)
		}
	}
	return int(d/x.step) + 1
}

func (x *sloTest) ticketScenario() (*sloScenario, error) {
	if x.leak == nil || !x.hasTier(slo.TierTicket) {
		return nil, nil
	}
	sc := &sloScenario{name: fmt.Sprintf("slow leak over full ticket windows: %s× the sustainable burn rate, then healthy again: each ticket pair fires and stops at its step", slo.Number(x.leak))}
	onset := x.onset()
	phases := []phase{{0, x.share(x.healthy)}, {onset, x.share(x.leak)}}
	below := func(pr sloPair) bool { return pr.tier.Name == slo.TierTicket && pr.pair.Factor.Cmp(x.leak) < 0 }
	first := make([]int, len(x.pairs))
	_, sim, err := x.run(sc, phases, func(i int, sim []firingState) bool {
		all := true
		for j, pr := range x.pairs {
			if !below(pr) {
				continue
			}
			if first[j] == 0 && sim[i].firing[j] {
				first[j] = i
			}
			all = all && first[j] > 0
		}
		return all
	})
	if err != nil {
		return nil, err
	}
	recover := len(sim)
	phases = append(phases, phase{recover, x.share(x.healthy)})
	stop := make([]int, len(x.pairs))
	_, sim, err = x.run(sc, phases, func(i int, sim []firingState) bool {
		if i < recover {
			return false
		}
		all := true
		for j, pr := range x.pairs {
			if !below(pr) {
				continue
			}
			if stop[j] == 0 && !sim[i].firing[j] {
				stop[j] = i
			}
			all = all && stop[j] > 0
		}
		return all
	})
	if err != nil {
		return nil, err
	}
	// (A page may fire here: on this coarse grid a short page window can
	// hold one gauge sample, all bad. The main file's leak proves the
	// pages quiet; here their state is asserted as simulated.)
	for j := range x.pairs {
		for _, at := range []int{first[j], stop[j]} {
			if at > 0 {
				x.checkAt(sc, sim, at-1)
				x.checkAt(sc, sim, at)
			}
		}
	}
	return sc, nil
}
