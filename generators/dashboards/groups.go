package dashboards

import (
	"cmp"
	"slices"

	"github.com/dataopsgen/dataopsgen/internal/model"
)

// group is the workloads one generated panel shows: those whose declared
// metric and label names (and quantile) give the panel the same query. A
// panel per group instead of per workload keeps the dashboard's size (and
// its ConfigMap under Kubernetes' 1 MiB) nearly independent of the number
// of workloads.
type group[K comparable] struct {
	key       K
	workloads []*model.Workload
	// only restricts the workload label to the group's workloads ("=~a|b")
	// or away from the others' ("!~c"), whichever is shorter, when another
	// group of the same kind reads the same metric: without it each panel
	// would also show the other group's workloads, against a threshold or
	// percentile that is not theirs. Empty when the metric is the group's
	// alone.
	only string
}

// groupBy groups ws by key, in key order; metric is the metric a group's
// query reads.
func groupBy[K comparable](ws []*model.Workload, key func(*model.Workload) K, order func(a, b K) int, metric func(K) string) []*group[K] {
	index := map[K]*group[K]{}
	var out []*group[K]
	for _, w := range ws {
		k := key(w)
		g := index[k]
		if g == nil {
			g = &group[K]{key: k}
			index[k] = g
			out = append(out, g)
		}
		g.workloads = append(g.workloads, w)
	}
	slices.SortFunc(out, func(a, b *group[K]) int { return order(a.key, b.key) })

	shared := map[string][]*group[K]{}
	for _, g := range out {
		shared[metric(g.key)] = append(shared[metric(g.key)], g)
	}
	for _, g := range out {
		same := shared[metric(g.key)]
		if len(same) < 2 {
			continue
		}
		var others []string
		for _, o := range same {
			if o != g {
				others = append(others, names(o.workloads)...)
			}
		}
		slices.Sort(others)
		in, notIn := "=~"+alternation(names(g.workloads)), "!~"+alternation(others)
		g.only = in
		if len(notIn) < len(in) {
			g.only = notIn
		}
	}
	return out
}

func names(ws []*model.Workload) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Name
	}
	return out
}

// models is the union of the models the group's workloads declare, in
// spec order: the panels count only those, as the alerts do (each alert
// its own workload's; a panel, its workloads').
func models(ws []*model.Workload) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range ws {
		for _, m := range w.Inference.Models {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// span is the smallest and largest of f over the workloads (equal when they
// all agree).
func span(ws []*model.Workload, f func(*model.Workload) float64) (lo, hi float64) {
	lo, hi = f(ws[0]), f(ws[0])
	for _, w := range ws[1:] {
		v := f(w)
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// Group keys: the fields each panel's query is built from. Workloads with
// one key have the same server preset (or, custom, the same names), whose
// signals (generators/signals) render the query.
type (
	lossKey     struct{ metric string }
	requestsKey struct{ metric, modelLabel string }
	errorsKey   struct{ metric, modelLabel, statusLabel, errorStatus, failed string }
	latencyKey  struct {
		metric, modelLabel string
		// quantile, 0 for an average (counter-shaped latency).
		quantile float64
	}
)

func requestsOf(w *model.Workload) requestsKey {
	p := w.Inference.Preset
	return requestsKey{p.Throughput.Describe(), p.ModelLabel}
}

func errorsOf(w *model.Workload) errorsKey {
	in, p := w.Inference, w.Inference.Preset
	k := errorsKey{metric: p.Errors.Total.Describe(), modelLabel: p.ModelLabel, failed: p.Errors.Failed.Describe()}
	if p.Custom() {
		k.statusLabel, k.errorStatus = in.StatusLabel, in.ErrorStatus
	}
	return k
}

func latencyOf(w *model.Workload) latencyKey {
	in, p := w.Inference, w.Inference.Preset
	if p.Latency.Quantiles() {
		return latencyKey{p.Latency.Histogram.Family, p.ModelLabel, in.Latency.Quantile}
	}
	return latencyKey{metric: p.Latency.Sum.Family, modelLabel: p.ModelLabel}
}

func (a requestsKey) cmp(b requestsKey) int {
	return cmp.Or(cmp.Compare(a.metric, b.metric), cmp.Compare(a.modelLabel, b.modelLabel))
}

func (a errorsKey) cmp(b errorsKey) int {
	return cmp.Or(cmp.Compare(a.metric, b.metric), cmp.Compare(a.modelLabel, b.modelLabel),
		cmp.Compare(a.statusLabel, b.statusLabel), cmp.Compare(a.errorStatus, b.errorStatus), cmp.Compare(a.failed, b.failed))
}

func (a latencyKey) cmp(b latencyKey) int {
	return cmp.Or(cmp.Compare(a.metric, b.metric), cmp.Compare(a.modelLabel, b.modelLabel), cmp.Compare(a.quantile, b.quantile))
}
