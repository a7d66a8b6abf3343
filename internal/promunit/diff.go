package promunit

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/promqltest"
)

type alertState struct {
	labels, annotations labels.Labels
}

func compareAlerts(a, b alertState) int {
	if d := labels.Compare(a.labels, b.labels); d != 0 {
		return d
	}
	return labels.Compare(a.annotations, b.annotations)
}

// diffAlerts compares expected and firing alerts as multisets (as promtool
// does) and explains the difference: which alert is missing or unexpected,
// and for an alert that is almost the expected one, which labels or
// annotations differ. "" means equal.
func diffAlerts(exp, got []alertState) string {
	exp, got = slices.Clone(exp), slices.Clone(got)
	slices.SortFunc(exp, compareAlerts)
	slices.SortFunc(got, compareAlerts)
	// Drop exact matches.
	var missing []alertState
	for _, e := range exp {
		if i := slices.IndexFunc(got, func(g alertState) bool { return compareAlerts(e, g) == 0 }); i >= 0 {
			got = slices.Delete(got, i, i+1)
			continue
		}
		missing = append(missing, e)
	}
	if len(missing) == 0 && len(got) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "expected %d firing alert(s), got %d", len(exp), len(exp)-len(missing)+len(got))
	for _, e := range missing {
		// Pair with the firing alert that shares the most labels, if it
		// shares more than half of them: that one is "wrong", not "other".
		best, bestN := -1, 0
		for i, g := range got {
			if n := common(e.labels, g.labels); n > bestN {
				best, bestN = i, n
			}
		}
		if best < 0 || 2*bestN <= e.labels.Len() {
			fmt.Fprintf(&b, "\nmissing alert %s\n    annotations %s", e.labels, e.annotations)
			continue
		}
		g := got[best]
		got = slices.Delete(got, best, best+1)
		if !labels.Equal(e.labels, g.labels) {
			fmt.Fprintf(&b, "\nwrong labels on alert %s (-expected +got):%s", e.labels, pairDiff(e.labels, g.labels, false))
		}
		if !labels.Equal(e.annotations, g.annotations) {
			fmt.Fprintf(&b, "\nwrong annotations on alert %s (-expected +got):%s", e.labels, pairDiff(e.annotations, g.annotations, true))
		}
	}
	for _, g := range got {
		fmt.Fprintf(&b, "\nunexpected alert %s\n    annotations %s", g.labels, g.annotations)
	}
	return b.String()
}

// common counts the label pairs a and b share.
func common(a, b labels.Labels) int {
	n := 0
	a.Range(func(l labels.Label) {
		if b.Get(l.Name) == l.Value && b.Has(l.Name) {
			n++
		}
	})
	return n
}

// pairDiff lists the names whose values differ; long texts (annotations)
// get one line each for the expected and the actual value.
func pairDiff(exp, got labels.Labels, long bool) string {
	var names []string
	for _, l := range [...]labels.Labels{exp, got} {
		l.Range(func(l labels.Label) {
			if !slices.Contains(names, l.Name) {
				names = append(names, l.Name)
			}
		})
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		e, eok := value(exp, n)
		g, gok := value(got, n)
		if eok == gok && e == g {
			continue
		}
		if long {
			fmt.Fprintf(&b, "\n    %s:", n)
			if eok {
				fmt.Fprintf(&b, "\n      -%s", e)
			}
			if gok {
				fmt.Fprintf(&b, "\n      +%s", g)
			}
			continue
		}
		if eok {
			fmt.Fprintf(&b, "\n    -%s=%s", n, e)
		}
		if gok {
			fmt.Fprintf(&b, "\n    +%s=%s", n, g)
		}
	}
	return b.String()
}

func value(l labels.Labels, name string) (string, bool) {
	if !l.Has(name) {
		return "", false
	}
	return strconv.Quote(l.Get(name)), true
}

type sampleResult struct {
	labels    labels.Labels
	value     float64
	histogram string
}

func (s sampleResult) String() string {
	if s.histogram != "" {
		return s.labels.String() + " " + s.histogram
	}
	return s.labels.String() + " " + strconv.FormatFloat(s.value, 'E', -1, 64)
}

// checkExpr runs one promql_expr_test (after all samples are loaded, as
// promtool does) and returns "" or what differs.
func checkExpr(suite suite, mint time.Time, tc PromqlTestCase, fuzzy bool) string {
	q, err := suite.QueryEngine().NewInstantQuery(suite.Context(), suite.Queryable(), nil, tc.Expr, mint.Add(time.Duration(tc.EvalTime)))
	if err != nil {
		return err.Error()
	}
	res := q.Exec(suite.Context())
	if res.Err != nil {
		return res.Err.Error()
	}
	var got []sampleResult
	switch v := res.Value.(type) {
	case promql.Vector:
		for _, s := range v {
			got = append(got, sampleResult{labels: s.Metric.Copy(), value: s.F, histogram: promqltest.HistogramTestExpression(s.H)})
		}
	case promql.Scalar:
		got = append(got, sampleResult{labels: labels.EmptyLabels(), value: v.V})
	default:
		return "rule result is not a vector or scalar"
	}
	var exp []sampleResult
	for _, s := range tc.ExpSamples {
		lb, err := PromQL.ParseMetric(s.Labels)
		if err != nil {
			return fmt.Sprintf("labels %q: %v", s.Labels, err)
		}
		var h *histogram.FloatHistogram
		if s.Histogram != "" {
			_, vals, err := PromQL.ParseSeriesDesc("{} " + s.Histogram)
			switch {
			case err != nil:
				return fmt.Sprintf("labels %q: %v", s.Labels, err)
			case len(vals) != 1 || vals[0].Histogram == nil:
				return fmt.Sprintf("labels %q: expected one histogram", s.Labels)
			}
			h = vals[0].Histogram
		}
		exp = append(exp, sampleResult{labels: lb, value: s.Value, histogram: promqltest.HistogramTestExpression(h)})
	}
	order := func(a, b sampleResult) int { return labels.Compare(a.labels, b.labels) }
	slices.SortStableFunc(exp, order)
	slices.SortStableFunc(got, order)
	if slices.EqualFunc(exp, got, func(a, b sampleResult) bool {
		return labels.Equal(a.labels, b.labels) && a.histogram == b.histogram && floatEqual(a.value, b.value, fuzzy)
	}) {
		return ""
	}
	return fmt.Sprintf("exp: %s\ngot: %s", samplesString(exp), samplesString(got))
}

// floatEqual is exact, or within one ulp with fuzzy_compare (promtool's rule).
func floatEqual(a, b float64, fuzzy bool) bool {
	return a == b || fuzzy && (math.Nextafter(a, math.Inf(-1)) == b || math.Nextafter(a, math.Inf(1)) == b)
}

func samplesString(s []sampleResult) string {
	if len(s) == 0 {
		return "nil"
	}
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = x.String()
	}
	return strings.Join(parts, ", ")
}
