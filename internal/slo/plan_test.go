package slo

import (
	"math/big"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// TestFactorsFollowTheWindow: the SRE workbook's pairs give 14.4, 6, 3
// and 1 on 30 days, and the same shares of the budget on other windows.
func TestFactorsFollowTheWindow(t *testing.T) {
	for _, c := range []struct {
		window, objective string
		budget            string
		factors           []string
	}{
		{"30d", "99.9", "0.001", []string{"14.4", "6", "3", "1"}},
		{"28d", "99.9", "0.001", []string{"13.44", "5.6", "2.8", "0.9333333333333333"}},
		{"7d", "99.95", "0.0005", []string{"3.36", "1.4", "0.7", "0.23333333333333334"}},
		{"90d", "99", "0.01", []string{"43.2", "18", "9", "3"}},
	} {
		s := modeltest.Inline(t, `
workloads: chat: {kind: "inference", namespace: "s", inference: models: ["m"]}
slos: a: {workload: "chat", objective: `+c.objective+`, window: "`+c.window+`", sli: availability: {}}`)
		p, probs := Resolve(s, s.SLOs[0])
		if probs != nil {
			t.Fatalf("%s: %v", c.window, probs)
		}
		if got := Number(p.Budget); got != c.budget {
			t.Errorf("%s %s: budget %s, want %s", c.window, c.objective, got, c.budget)
		}
		var got []string
		for _, tier := range p.Tiers {
			for _, pr := range tier.Pairs {
				got = append(got, Number(pr.Factor))
			}
		}
		if len(got) != len(c.factors) {
			t.Fatalf("%s: factors %v, want %v", c.window, got, c.factors)
		}
		for i := range got {
			if got[i] != c.factors[i] {
				t.Errorf("%s: factor %d is %s, want %s", c.window, i, got[i], c.factors[i])
			}
		}
	}
}

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		r    *big.Rat
		want string
	}{
		{big.NewRat(1, 1000), "0.001"},
		{big.NewRat(144, 10), "14.4"},
		{big.NewRat(6, 1), "6"},
		{big.NewRat(1, 3), "0.3333333333333333"},
		{big.NewRat(-5, 2), "-2.5"},
		{ratOf(99.9), "99.9"},
	} {
		if got := Number(c.r); got != c.want {
			t.Errorf("Number(%v) = %s, want %s", c.r, got, c.want)
		}
	}
}

func TestStreams(t *testing.T) {
	for _, c := range []struct {
		name      string
		errors    string
		good      string
		total     string
		gauge     bool
		wantReal  int
		wantDecoy int
	}{
		{name: "errors by label", errors: `http_requests_total{job="api", code=~"5..|429"}`, total: `http_requests_total{job="api"}`, wantReal: 2, wantDecoy: 2},
		{name: "errors of another metric", errors: `errors_total{job="api"}`, total: `requests_total{job="api"}`, wantReal: 2, wantDecoy: 2},
		{name: "good bucket", good: `lat_bucket{le="0.5"}`, total: `lat_count`, wantReal: 2, wantDecoy: 1},
		{name: "gauge", total: `up{job="x"}`, gauge: true, wantReal: 1, wantDecoy: 1},
	} {
		sli := SLI{Total: mustSel(t, c.total), Gauge: c.gauge}
		switch {
		case c.errors != "":
			b := mustSel(t, c.errors)
			sli.Bad = &b
		case c.good != "":
			g := mustSel(t, c.good)
			sli.Good = &g
		default:
			g := sli.Total
			sli.Good = &g
		}
		st, err := sli.Streams()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		real, decoys := 0, 0
		for _, s := range st {
			if s.Decoy {
				decoys++
				if sli.reads(s) {
					t.Errorf("%s: decoy %v (breaks %s) is read", c.name, s.Labels, s.Breaks)
				}
				continue
			}
			real++
			if !sli.reads(s) {
				t.Errorf("%s: stream %v is read by no selector", c.name, s.Labels)
			}
			if s.Bad > 0 && s.Good == 0 && sli.Bad != nil && !sli.Bad.Matches(s.Metric, s.Labels) {
				t.Errorf("%s: a bad stream %v that errors does not read", c.name, s.Labels)
			}
		}
		if real != c.wantReal || decoys != c.wantDecoy {
			t.Errorf("%s: %d streams and %d decoys, want %d and %d: %+v", c.name, real, decoys, c.wantReal, c.wantDecoy, st)
		}
	}
}

func mustSel(t *testing.T, s string) Selector {
	t.Helper()
	sel, err := ParseSelector(PromQL, s)
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

func TestSample(t *testing.T) {
	for _, re := range []string{"5..", "(5..|429)", "a+b*c?", "[x-z]{2,3}", "llama-3-8b|mistral-7b", "[0-9]+"} {
		v, ok := sample(re)
		if !ok {
			t.Errorf("%s: no sample", re)
			continue
		}
		if m := mustSel(t, `x{l=~"`+re+`"}`).Matchers[0]; !m.Matches(v) {
			t.Errorf("%s: sample %q does not match", re, v)
		}
	}
}
