package dashboards

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Grafana template variables, referenced from every query.
const (
	varNamespace = "$namespace"
	varWorkload  = "$workload"
	varPod       = "$pod"
	rateInterval = "[$__rate_interval]"
)

// matchNone is a regex that matches no string, not even the empty one (an
// empty alternation would match series *without* the label).
const matchNone = `[^\s\S]`

// alternation is a regex matching exactly the given spec values (workload
// names, models), each regex-escaped, for use after `=~`.
func alternation(values []string) string {
	if len(values) == 0 {
		return matchNone
	}
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = regexp.QuoteMeta(v)
	}
	return strings.Join(q, "|")
}

// sel renders a selector from label/matcher pairs; a matcher value starting
// with "=~" or "!=" is kept as is (see stack.Matchers), values are quoted.
func sel(pairs ...string) string { return stack.Matchers(pairs...) }

// podSel is the selector of the cluster-wide metrics (cAdvisor, DCGM,
// kube-state-metrics), which carry namespace/pod but not our workload label.
func podSel(extra ...string) string {
	return sel(append([]string{
		stack.LabelNamespace, "=~" + varNamespace,
		stack.LabelPod, "=~" + varPod,
	}, extra...)...)
}

// groupSel selects the series the spec's workloads export themselves (the
// scrape relabeling attaches the workload label), within the dashboard's
// selection; only, when set, narrows them to one group (see group.only).
func groupSel(only string, extra ...string) string {
	return sel(append(groupPairs(only), extra...)...)
}

// groupPairs are groupSel's label/matcher pairs.
func groupPairs(only string) []string {
	pairs := []string{
		stack.LabelNamespace, "=~" + varNamespace,
		stack.LabelWorkload, "=~" + varWorkload,
		stack.LabelPod, "=~" + varPod,
	}
	if only != "" {
		pairs = append(pairs, stack.LabelWorkload, only)
	}
	return pairs
}

// rate is `rate(<metric><selector>[$__rate_interval])`.
func rate(metric, selector string) string {
	return "rate(" + metric + selector + rateInterval + ")"
}

// float renders a number the shortest way that reads back exactly.
func float(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// percentile renders a quantile as a percentile for titles: 0.95 -> "95",
// 0.999 -> "99.9" (rounded so that 0.95*100 does not print 94.99999...).
func percentile(q float64) string { return float(math.Round(q*1e6) / 1e4) }
