package slo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dataopsgen/dataopsgen/generators/signals"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// events is the number of events a sum counts over window d: the
// increase of its counters, as a per-second rate (the ratio is the same),
// or the samples of a gauge (good: its sum, total: its count). Several
// counters are summed in one aggregation, each rate labelled with its
// metric name first (as generators/signals does): rate() drops the name,
// so counters with the same other labels (Triton's success and failure of
// a model) would hide one another in `or`, and a counter that does not
// exist yet (no request has failed) still leaves the others' sum.
func (s *SLI) events(sum Sum, d time.Duration, good bool) string {
	w := "[" + Dur(d) + "]"
	switch {
	case s.Gauge && good:
		return "sum(sum_over_time(" + sum[0].String() + w + "))"
	case s.Gauge:
		return "sum(count_over_time(" + sum[0].String() + w + "))"
	case len(sum) == 1:
		return "sum(rate(" + sum[0].String() + w + "))"
	}
	parts := make([]string, len(sum))
	for i, sel := range sum {
		parts[i] = "label_replace(rate(" + sel.String() + w + "), " + strconv.Quote(signals.CounterLabel) + ", " + strconv.Quote(sel.Metric) + `, "", "")`
	}
	return "sum(" + strings.Join(parts, " or ") + ")"
}

// ErrorRatio is the expression of the SLI's error ratio over window d:
// bad/total, or 1 - good/total. A numerator without series (no request
// has failed yet, so the failure counter does not exist) counts as 0; no
// events at all give no sample or NaN, which no alert fires on.
func (s *SLI) ErrorRatio(d time.Duration) string {
	total := s.events(s.Total, d, false)
	if s.Bad != nil {
		return fmt.Sprintf("(%s or vector(0))\n/\n%s", s.events(s.Bad, d, false), total)
	}
	return fmt.Sprintf("1 - (\n  (%s or vector(0))\n  /\n  %s\n)", s.events(s.Good, d, true), total)
}

// Select is the selector of the SLO's own recorded series of a record.
func (p *Plan) Select(record string) string {
	return record + stack.Matchers(LabelSLO, p.SLO.Name)
}

// BurnRate is the expression of the burn rate over window d: the error
// ratio as a multiple of the budget.
func (p *Plan) BurnRate(d time.Duration) string {
	return p.Select(RecordName(d)) + " / " + Number(p.Budget)
}

// PairExpr is true while both windows of pr burn faster than its factor;
// its value is the burn rate over the long window.
func (p *Plan) PairExpr(pr Pair) string {
	f := Number(pr.Factor)
	return fmt.Sprintf("%s > %s\nand\n%s > %s", p.BurnRate(pr.Long), f, p.BurnRate(pr.Short), f)
}

// AlertExpr is the expression of a tier's alert: each window pair's
// condition, labelled with its long and short windows (label_replace with
// an empty regex sets a label), joined by or: one alert per burning pair.
func (p *Plan) AlertExpr(t Tier) string {
	var b strings.Builder
	for i, pr := range t.Pairs {
		if i > 0 {
			b.WriteString("\nor\n")
		}
		fmt.Fprintf(&b, "label_replace(label_replace(\n  %s\n, %q, %q, \"\", \"\"), %q, %q, \"\", \"\")",
			strings.ReplaceAll(p.PairExpr(pr), "\n", "\n  "), LabelLong, Dur(pr.Long), LabelShort, Dur(pr.Short))
	}
	return b.String()
}

// BudgetRemaining is the share of the error budget left over the
// compliance window (1 when nothing failed, 0 when it is used up, below 0
// when overspent).
func (p *Plan) BudgetRemaining() string {
	return "1 - " + p.Select(RecordName(p.Window)) + " / " + Number(p.Budget)
}
