package checks_test

import (
	"encoding/json"
	"strconv"
	"testing"
)

// TestOddExpressions: every PromQL construct and odd templates go through
// the rules and provenance checks without a panic.
func TestOddExpressions(t *testing.T) {
	exprs := []string{
		`absent(nonexistent)`, `absent_over_time(up[5m])`, `count_values("x", up)`, `label_replace(up, "a", "b", "c", "d")`,
		`label_join(up, "a", ",", "b", "c")`, `histogram_quantile(0.9, x)`, `histogram_fraction(0, 1, x)`, `sort_by_label(up, "a")`,
		`vector(1) + on () group_left up`, `up @ start()`, `rate(up[5m] offset 1h)`, `-up`, `up > bool 1`,
		`{__name__=~"up|foo"}`, `{__name__="up", job="x"}`, `scalar(up) * 2`, `time() - up`, `timestamp(up)`,
		`predict_linear(up[1h], 3600)`, `quantile_over_time(0.9, up[5m])`, `up[5m:]`, `max_over_time(up[5m:])`,
		`topk(scalar(up), up)`, `count by () (up)`, `sum without () (up)`, `up unless on () vector(1)`, `(((up)))`,
		`round(up, 5)`, `clamp(up, 0, 1)`, `days_in_month()`, `pi()`, `up == on (job) group_right (instance) up`,
		`sum by (job) (rate({job="x"}[5m]))`, `1 + 2`, `"string"`, `up offset -5m`, `stddev_over_time(up[10m]) / deriv(up[10m])`,
		`ALERTS{alertstate="firing"}`, `node_load1 * on (instance) group_left (nodename) node_uname_info`,
	}
	var rules []string
	for i, e := range exprs {
		q, _ := json.Marshal(e)
		rules = append(rules, `{alert: "A`+strconv.Itoa(i)+`", expr: `+string(q)+`, annotations: {a: "{{ $labels.job }} {{ template \"x\" }}", b: "{{ define \"y\" }}{{ end }}{{ $labels }}", c: "{{ with $labels }}{{ .pod }}{{ end }}"}}`)
		rules = append(rules, `{record: "r:`+strconv.Itoa(i)+`", expr: `+string(q)+`}`)
	}
	var panels []string
	for _, e := range exprs {
		q, _ := json.Marshal(e + ` + $var * ${x:csv} + [[y]]`)
		panels = append(panels, `{title: "p", expr: `+string(q)+`}`)
	}
	extra := rule(rules...) + panel(panels...)
	for _, c := range []string{"rules/template", "rules/template-labels", "rules/duplicate", "rules/rate-window",
		"provenance/promql", "provenance/metric", "provenance/label"} {
		runCheck(t, c, "", extra)
	}
}
