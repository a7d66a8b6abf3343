package checks

import (
	"strings"
	"time"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// minSamples is how many scrapes a range window must span at least.
const minSamples = 4

// rangeFunc reports the functions whose range window must hold several
// samples.
func rangeFunc(name string) bool {
	switch name {
	case "rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets", "predict_linear":
		return true
	}
	return strings.HasSuffix(name, "_over_time")
}

// windowSource is the spec field holding the window of a generated alert:
// <threshold block>.window, or .after for the stalled-progress alert.
func windowSource(r *ruleRef) string {
	if r.Extra {
		return r.Source
	}
	if strings.HasSuffix(r.Source, ".stalled") {
		return r.Source + ".after"
	}
	return r.Source + ".window"
}

var rulesRateWindow = Check{
	Name: "rules/rate-window",
	Doc: "The range window of rate, irate, increase, delta, deriv, changes, resets, predict_linear and *_over_time in a rule " +
		"spans at least 4 scrape intervals (stack.prometheus.scrapeInterval): shorter windows return nothing or noise after one missed scrape.",
	Run: func(in *Input) diag.List {
		var out diag.List
		scrape := time.Duration(model.Seconds(in.Spec.Stack.Prometheus.ScrapeInterval) * float64(time.Second))
		if scrape <= 0 {
			return nil
		}
		need := minSamples * scrape
		for _, r := range in.rules() {
			if r.Expr == nil || strings.HasPrefix(r.GroupSource, "slos.") {
				continue // SLO windows: slo/window-scrape
			}
			parser.Inspect(r.Expr, func(n parser.Node, _ []parser.Node) error {
				call, ok := n.(*parser.Call)
				if !ok || !rangeFunc(call.Func.Name) {
					return nil
				}
				for _, a := range call.Args {
					ms, ok := a.(*parser.MatrixSelector)
					if !ok || ms.Range <= 0 || ms.Range >= need {
						continue
					}
					out.Append(at(in, windowSource(r), "rules/rate-window", r.File,
						"%s: %s() over [%s] spans fewer than %d scrapes (scrape interval %s): use a window of at least %s",
						r.What(), call.Func.Name, prommodel.Duration(ms.Range), minSamples,
						in.Spec.Stack.Prometheus.ScrapeInterval, prommodel.Duration(need)))
				}
				return nil
			})
		}
		return out
	},
}
