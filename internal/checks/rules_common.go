package checks

import (
	"runtime"
	"strings"
	"sync"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/internal/checks/catalog"
)

// ruleRef is one rule of the generated PrometheusRules, with where it
// comes from and its parsed expression.
type ruleRef struct {
	// File is the generated PrometheusRule file.
	File string
	// Group is the rule group's name; GroupSource its spec path.
	Group       string
	GroupSource string
	// Index of the rule in its group.
	Index int
	// Source is the spec path of the rule: the threshold block of a
	// generated alert (workloads.resnet.inference.latency), or
	// extraRules.<group>.rules.<i>.
	Source string
	// Extra reports a rule the user wrote (extraRules).
	Extra bool
	Rule  *monitoringv1.Rule
	Expr  parser.Expr
	// Err is the parse error (reported by rules/parse).
	Err error
}

// Kind is "alert" or "recording rule".
func (r *ruleRef) Kind() string {
	if r.Rule.Alert != "" {
		return "alert"
	}
	return "recording rule"
}

// Name is the alert or recorded metric name.
func (r *ruleRef) Name() string {
	if r.Rule.Alert != "" {
		return r.Rule.Alert
	}
	return r.Rule.Record
}

// What names the rule in messages: `alert HighLatency`.
func (r *ruleRef) What() string { return r.Kind() + " " + r.Name() }

// parseRules returns every generated rule, positioned where the generator
// says it comes from, its PromQL parsed.
func parseRules(in *Input) []*ruleRef {
	var out []*ruleRef
	for _, o := range in.ruleObjects() {
		for _, g := range o.Groups {
			extra := strings.HasPrefix(g.Source, "extraRules.")
			for i := range g.Rules {
				r := &ruleRef{File: o.Path, Group: g.Name, GroupSource: g.Source, Index: i, Extra: extra, Rule: &g.Rules[i], Source: g.Source}
				if i < len(g.RuleSources) {
					r.Source = g.RuleSources[i]
				}
				out = append(out, r)
			}
		}
	}
	parallel(len(out), func(i int) {
		out[i].Expr, out[i].Err = PromQL.ParseExpr(out[i].Rule.Expr.String())
	})
	return out
}

// buildCatalog builds the metric catalog of the spec.
func buildCatalog(in *Input) *catalog.Catalog {
	// The kube-state-metrics values as generated (none when the values
	// come untyped: values/parse reports it).
	var ksm promstack.KubeStateMetrics
	if v := in.values().typed; v != nil {
		ksm = v.KubeStateMetrics
	}
	return catalog.New(in.Spec, PromQL, ksm)
}

// parallel runs f(0..n-1) on all CPUs (inline when n is small).
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/32)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for start := 0; start < n; start += chunk {
		end := min(start+chunk, n)
		wg.Go(func() {
			for i := start; i < end; i++ {
				f(i)
			}
		})
	}
	wg.Wait()
}
