package dashboards

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

// groupsSpec has inference workloads that share metrics but not the
// percentile (a, b at P90; c, e, f, g at P95), one with its own requests
// metric and model label (d, P95 like c: same latency metric, same title
// but for the model label), thresholds shared by some groups only, and
// training jobs on two loss metrics.
const groupsSpec = `
_inf: {kind: "inference", namespace: "serving"}
workloads: {
	a: _inf & {inference: {models: ["m1"], latency: {quantile: 0.9, threshold: "1s"}}}
	b: _inf & {inference: {models: ["m2"], latency: {quantile: 0.9, threshold: "1000ms"}}}
	c: _inf & {inference: {models: ["m1"], errorRate: max: 0.1}}
	e: _inf & {inference: {models: ["m1"], latency: threshold: "2s"}}
	f: _inf & {inference: models: ["m1"]}
	g: _inf & {inference: models: ["m3"]}
	d: _inf & {inference: {models: ["x"], requestsMetric: "other_total", modelLabel: "model"}}
	t1: {kind: "training", namespace: "ml", training: lossMetric: "loss"}
	t2: {kind: "training", namespace: "ml", training: lossMetric: "loss"}
	t3: {kind: "training", namespace: "ml", training: lossMetric: "train_loss"}
	t4: {kind: "training", namespace: "ml"}
}`

func TestGroups(t *testing.T) {
	s := loadInline(t, groupsSpec)
	files, err := New().Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	d := checkFile(t, s, files[0])
	const (
		ns  = `namespace=~"$namespace", workload=~"$workload", pod=~"$pod"`
		lat = "inference_request_duration_seconds"
		req = "inference_requests_total"
	)
	type want struct {
		expr string
		// limit is the threshold line, 0 for none.
		limit float64
		// desc is a substring of the description.
		desc string
	}
	wants := []struct {
		title string
		want
	}{
		{"Loss: loss", want{expr: `loss{` + ns + `}`, desc: "for the 2 training workloads with this lossMetric"}},
		{"Loss: train_loss", want{expr: `train_loss{` + ns + `}`, desc: "for the 1 training workload"}},
		{"Container restarts", want{}},
		// The training runs' state, per controller in use (the Job here).
		{"Pending pods", want{expr: `sum by (namespace) (kube_pod_status_phase{namespace=~"$namespace", phase="Pending"})`}},
		{"Job runs failed", want{expr: `sum by (namespace) (kube_job_failed{namespace=~"$namespace", condition="true"})`}},
		{"Job retries", want{expr: `sum by (namespace, job_name) (increase(kube_job_status_failed{namespace=~"$namespace", reason=""}[$__rate_interval]))`}},
		{"Requests: " + req, want{
			expr: `sum by (workload, model_name) (rate(` + req + `{` + ns + `, model_name=~"m1|m2|m3"}[$__rate_interval]))`,
			desc: "for the 6 inference workloads with requestsMetric " + req + " and modelLabel model_name"}},
		{"Requests: other_total", want{expr: `sum by (workload, model) (rate(other_total{` + ns + `, model=~"x"}[$__rate_interval]))`}},
		// Three latency groups on one metric: each restricted to its own
		// workloads, the largest by excluding the others (shorter).
		{"P95 latency: " + lat + " by model", want{
			expr:  `histogram_quantile(0.95, sum by (le, workload, model) (rate(` + lat + `_bucket{` + ns + `, workload=~"d", model=~"x"}[$__rate_interval])))`,
			limit: 0.5}},
		{"P90 latency: " + lat, want{
			expr:  `histogram_quantile(0.9, sum by (le, workload, model_name) (rate(` + lat + `_bucket{` + ns + `, workload=~"a|b", model_name=~"m1|m2"}[$__rate_interval])))`,
			limit: 1, desc: "Dashed line: their HighInferenceLatency threshold, 1s."}},
		{"P95 latency: " + lat + " by model_name", want{
			expr: `histogram_quantile(0.95, sum by (le, workload, model_name) (rate(` + lat + `_bucket{` + ns + `, workload!~"a|b|d", model_name=~"m1|m3"}[$__rate_interval])))`,
			desc: "Their HighInferenceLatency thresholds differ per workload (from 500ms to 2s) and are in the alert rules: no threshold line is drawn."}},
		{"Error ratio: " + req, want{
			expr: `sum by (workload, model_name) (rate(` + req + `{` + ns + `, model_name=~"m1|m2|m3", status="error"}[$__rate_interval])) / ` +
				`sum by (workload, model_name) (rate(` + req + `{` + ns + `, model_name=~"m1|m2|m3"}[$__rate_interval]))`,
			desc: "thresholds differ per workload (from 5% to 10%)"}},
		{"Error ratio: other_total", want{limit: 0.05, desc: `with status="error"`}},
		{"Logs", want{}},
	}
	var got []jsonPanel
	for _, p := range d.Panels {
		if p.Type != "row" {
			got = append(got, p)
		}
	}
	if len(got) != len(wants)+2 { // + CPU and memory
		var titles []string
		for _, p := range got {
			titles = append(titles, p.Title)
		}
		t.Fatalf("panels %q, want %d", titles, len(wants)+2)
	}
	for i, w := range wants {
		p := got[i+2]
		if p.Title != w.title {
			t.Errorf("panel %d: title %q, want %q", i+2, p.Title, w.title)
			continue
		}
		if w.expr != "" && (len(p.Targets) != 1 || p.Targets[0].Expr != w.expr) {
			t.Errorf("%s: targets %+v\nwant %s", p.Title, p.Targets, w.expr)
		}
		steps := p.FieldConfig.Defaults.Thresholds.Steps
		switch {
		case w.limit == 0 && len(steps) > 0:
			t.Errorf("%s: threshold steps %+v, want none", p.Title, steps)
		case w.limit != 0 && (len(steps) != 2 || steps[1].Value == nil || *steps[1].Value != w.limit):
			t.Errorf("%s: threshold steps %+v, want %v", p.Title, steps, w.limit)
		}
		if !strings.Contains(p.Description, w.desc) {
			t.Errorf("%s: description %q, want it to contain %q", p.Title, p.Description, w.desc)
		}
	}
}

// TestGroupsCoverWorkloads checks, on the synthetic spec, that the grouped
// panels show what the per-workload ones did: every declared (workload,
// model) is selected by exactly one requests, one latency and one error
// ratio panel, at the workload's own percentile and, where a line is
// drawn, at its own thresholds; undeclared models by none; every loss
// metric's workloads by exactly one loss panel.
func TestGroupsCoverWorkloads(t *testing.T) {
	s := modeltest.Synthetic(t, 300)
	out, err := New().Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	var d jsonDashboard
	if err := json.Unmarshal(out[0].Data, &d); err != nil {
		t.Fatal(err)
	}
	panels := parsePanels(t, d)

	quantiles := map[float64]bool{}
	for _, w := range s.Workloads {
		if w.Training != nil && w.Training.LossMetric != "" {
			ls := map[string]string{"__name__": w.Training.LossMetric, "namespace": w.Namespace, "workload": w.Name, "pod": "p-0"}
			if got := panels.selecting("Loss: ", ls); len(got) != 1 {
				t.Errorf("%s: %d loss panels select it", w.Name, len(got))
			}
		}
		in := w.Inference
		if in == nil {
			continue
		}
		quantiles[in.Latency.Quantile] = true
		for _, m := range append(in.Models, "undeclared") {
			n := 1
			if m == "undeclared" {
				n = 0
			}
			ls := map[string]string{"namespace": w.Namespace, "workload": w.Name, "pod": "p-0", in.ModelLabel: m, in.StatusLabel: in.ErrorStatus}
			ls["__name__"] = in.RequestsMetric
			if got := panels.selecting("Requests: ", ls); len(got) != n {
				t.Errorf("%s model %s: %d requests panels select it, want %d", w.Name, m, len(got), n)
			}
			errs := panels.selecting("Error ratio: ", ls)
			if len(errs) != n {
				t.Errorf("%s model %s: %d error ratio panels select it, want %d", w.Name, m, len(errs), n)
			}
			for _, p := range errs {
				if l, ok := p.limit(); ok && l != in.ErrorRate.Max {
					t.Errorf("%s: %q draws %v, its alert fires above %v", w.Name, p.Title, l, in.ErrorRate.Max)
				}
			}
			ls["__name__"] = in.LatencyMetric + "_bucket"
			lat := panels.selecting("P", ls, func(p parsedPanel) bool { return p.quantile > 0 })
			if len(lat) != n {
				t.Errorf("%s model %s: %d latency panels select it, want %d", w.Name, m, len(lat), n)
			}
			for _, p := range lat {
				if p.quantile != in.Latency.Quantile {
					t.Errorf("%s: %q shows P%v, its alert is on %v", w.Name, p.Title, p.quantile, in.Latency.Quantile)
				}
				if l, ok := p.limit(); ok && l != model.Seconds(in.Latency.Threshold) {
					t.Errorf("%s: %q draws %v, its alert fires above %s", w.Name, p.Title, l, in.Latency.Threshold)
				}
			}
		}
	}
	if len(quantiles) < 2 {
		t.Fatalf("the synthetic spec has %d latency percentiles: nothing to tell apart", len(quantiles))
	}
}

type parsedPanel struct {
	jsonPanel
	selectors [][]*labels.Matcher
	quantile  float64
}

func (p parsedPanel) limit() (float64, bool) {
	steps := p.FieldConfig.Defaults.Thresholds.Steps
	if len(steps) != 2 || steps[1].Value == nil {
		return 0, false
	}
	return *steps[1].Value, true
}

type parsedPanels []parsedPanel

// selecting returns the panels titled prefix... (and also) every selector of which
// matches the series ls (a label missing from ls is empty, as in
// Prometheus).
func (ps parsedPanels) selecting(prefix string, ls map[string]string, also ...func(parsedPanel) bool) []parsedPanel {
	var out []parsedPanel
	for _, p := range ps {
		if !strings.HasPrefix(p.Title, prefix) || len(p.selectors) == 0 || (len(also) > 0 && !also[0](p)) {
			continue
		}
		all := true
		for _, ms := range p.selectors {
			for _, m := range ms {
				all = all && m.Matches(ls[m.Name])
			}
		}
		if all {
			out = append(out, p)
		}
	}
	return out
}

// parsePanels parses every Prometheus query with the dashboard variables
// set to "All" (any value: the variables are not what tells groups apart).
func parsePanels(t *testing.T, d jsonDashboard) parsedPanels {
	t.Helper()
	vars := strings.NewReplacer("$__rate_interval", "5m", "$namespace", ".+", "$workload", ".+", "$pod", ".+")
	var out parsedPanels
	for _, p := range d.Panels {
		pp := parsedPanel{jsonPanel: p}
		for _, tg := range p.Targets {
			if p.Datasource == nil || p.Datasource.Type != "prometheus" {
				continue
			}
			expr, err := promQL.ParseExpr(vars.Replace(tg.Expr))
			if err != nil {
				t.Fatalf("%s: %v", p.Title, err)
			}
			parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
				switch n := n.(type) {
				case *parser.VectorSelector:
					pp.selectors = append(pp.selectors, n.LabelMatchers)
				case *parser.Call:
					if n.Func.Name == "histogram_quantile" {
						pp.quantile = n.Args[0].(*parser.NumberLiteral).Val
					}
				}
				return nil
			})
		}
		out = append(out, pp)
	}
	return out
}
