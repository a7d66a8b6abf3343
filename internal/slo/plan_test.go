package slo

import (
	"fmt"
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

// TestStreams: the streams of each SLI shape, with the event counts each
// sum reads: a good event is one of total's and none of errors' (one of
// good's), a bad event one of total's and one of errors' (none of
// good's); every decoy is read by no selector.
func TestStreams(t *testing.T) {
	for _, c := range []struct {
		name      string
		errors    []string
		good      []string
		total     []string
		gauge     bool
		wantReal  int
		wantDecoy int
	}{
		{name: "errors by label", errors: []string{`http_requests_total{job="api", code=~"5..|429"}`}, total: []string{`http_requests_total{job="api"}`}, wantReal: 2, wantDecoy: 2},
		{name: "errors of another metric", errors: []string{`errors_total{job="api"}`}, total: []string{`requests_total{job="api"}`}, wantReal: 2, wantDecoy: 2},
		{name: "good bucket", good: []string{`lat_bucket{le="0.5"}`}, total: []string{`lat_count`}, wantReal: 2, wantDecoy: 1},
		{name: "gauge", total: []string{`up{job="x"}`}, gauge: true, wantReal: 1, wantDecoy: 1},
		// Triton: failures are a term of total (success + failure).
		{name: "errors a term of a sum", errors: []string{`nv_inference_request_failure{model="m"}`},
			total: []string{`nv_inference_request_success{model="m"}`, `nv_inference_request_failure{model="m"}`}, wantReal: 2, wantDecoy: 2},
		// TorchServe: 5XX among 2XX + 4XX + 5XX.
		{name: "errors one of three", errors: []string{`Requests5XX{level="host"}`},
			total: []string{`Requests2XX{level="host"}`, `Requests4XX{level="host"}`, `Requests5XX{level="host"}`}, wantReal: 2, wantDecoy: 2},
	} {
		sli := SLI{Total: mustSum(t, c.total), Gauge: c.gauge}
		switch {
		case c.errors != nil:
			sli.Bad = mustSum(t, c.errors)
		case c.good != nil:
			sli.Good = mustSum(t, c.good)
		default:
			sli.Good = sli.Total
		}
		st, err := sli.Streams()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		real, decoys := 0, 0
		// reads[event][sum]: how many series of the sum one event increments.
		reads := map[string]map[string]int{"good": {}, "bad": {}}
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
			for _, sum := range []struct {
				name string
				Sum
			}{{"errors", sli.Bad}, {"good", sli.Good}, {"total", sli.Total}} {
				if !sum.Matches(s.Metric, s.Labels) {
					continue
				}
				if s.Good > 0 {
					reads["good"][sum.name]++
				}
				if s.Bad > 0 {
					reads["bad"][sum.name]++
				}
			}
		}
		want := map[string]map[string]int{"good": {"total": 1}, "bad": {"total": 1}}
		switch {
		case c.gauge:
			want = map[string]map[string]int{"good": {"total": 1, "good": 1}, "bad": {}}
		case c.errors != nil:
			want["bad"]["errors"] = 1
		default:
			want["good"]["good"] = 1
		}
		if fmt.Sprint(reads) != fmt.Sprint(want) {
			t.Errorf("%s: an event is read %v times, want %v: %+v", c.name, reads, want, st)
		}
		if real != c.wantReal || decoys != c.wantDecoy {
			t.Errorf("%s: %d streams and %d decoys, want %d and %d: %+v", c.name, real, decoys, c.wantReal, c.wantDecoy, st)
		}
	}
}

func mustSum(t *testing.T, ss []string) Sum {
	t.Helper()
	var out Sum
	for _, s := range ss {
		out = append(out, mustSel(t, s))
	}
	return out
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
