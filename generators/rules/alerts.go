package rules

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Alert names. Tests, docs and the e2e suite refer to these.
const (
	InferenceServiceDown    = "InferenceServiceDown"
	HighInferenceLatency    = "HighInferenceLatency"
	InferenceErrorRateHigh  = "InferenceErrorRateHigh"
	TrainingPodCrashLooping = "TrainingPodCrashLooping"
	TrainingJobFailed       = "TrainingJobFailed"
	TrainingProgressStalled = "TrainingProgressStalled"
)

// alert is a generated alert before it becomes a monitoringv1.Rule.
type alert struct {
	name        string
	expr        string
	forDur      string
	severity    string
	summary     string
	description string
	// source is the spec path of the thresholds the alert comes from.
	source string
}

// WorkloadGroup returns the rule group of one workload.
func WorkloadGroup(s *model.Spec, w *model.Workload) Group {
	var alerts []alert
	switch {
	case w.Inference != nil:
		alerts = inferenceAlerts(w)
	case w.Training != nil:
		alerts = trainingAlerts(w)
	}
	if w.GPUHealth() != nil {
		alerts = append(alerts, gpuAlerts(w)...)
	}
	g := Group{RuleGroup: monitoringv1.RuleGroup{Name: "dataops." + w.Name}, Source: w.Path()}
	for _, a := range alerts {
		g.Rules = append(g.Rules, a.rule(s, w))
		g.RuleSources = append(g.RuleSources, a.source)
	}
	return g
}

func (a alert) rule(s *model.Spec, w *model.Workload) monitoringv1.Rule {
	ann := map[string]string{
		"summary":     a.summary,
		"description": a.description,
		"dashboard":   dashboardURL(s, w),
	}
	if w.RunbookURL != "" {
		// A template, as Prometheus's annotations are: the runbook may
		// take the alert's labels ({{ $labels.alertname }}).
		ann["runbook_url"] = w.RunbookURL
	}
	r := monitoringv1.Rule{
		Alert: a.name,
		Expr:  intstr.FromString(a.expr),
		Labels: map[string]string{
			"severity":           a.severity,
			"team":               w.Team,
			stack.LabelWorkload:  w.Name,
			stack.LabelNamespace: w.Namespace,
		},
		Annotations: ann,
	}
	if model.Seconds(a.forDur) > 0 {
		d := monitoringv1.Duration(a.forDur)
		r.For = &d
	}
	return r
}

// dashboardURL links the overview dashboard filtered on the workload.
func dashboardURL(s *model.Spec, w *model.Workload) string {
	q := url.Values{}
	q.Set("var-namespace", w.Namespace)
	q.Set("var-workload", w.Name)
	return stack.TemplateLiteral(s.Stack.Grafana.URL) + "/d/" + stack.OverviewDashboardUID + "?" + q.Encode()
}

// sel renders a selector of the workload's own series plus extra matchers.
func sel(w *model.Workload, extra ...string) string {
	return stack.Matchers(append(stack.WorkloadMatchers(w), extra...)...)
}

// oneOf is a regex matcher value for a set of literal values.
func oneOf(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = regexp.QuoteMeta(v)
	}
	return "=~" + strings.Join(q, "|")
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func inferenceAlerts(w *model.Workload) []alert {
	in := w.Inference
	by := "namespace, workload, " + in.ModelLabel
	models := []string{in.ModelLabel, oneOf(in.Models)}
	upSel := sel(w)
	q := in.Latency.Quantile
	pct := num(math.Round(q*100*1000) / 1000) // 0.57*100 is 56.99999999999999
	return []alert{{
		name: InferenceServiceDown,
		// up vanishes with the pods: absent() covers "every pod is gone",
		// the sum covers "pods exist but none answers". Both halves carry
		// the same labels (namespace, workload) so Alertmanager sees one alert.
		expr:     fmt.Sprintf("sum by (namespace, workload) (up%s) == 0\nor\nabsent(up%s)", upSel, upSel),
		forDur:   in.Down.For,
		severity: in.Down.Severity,
		summary:  "Inference service {{ $labels.workload }} is down in namespace {{ $labels.namespace }}",
		description: fmt.Sprintf("No pod of inference workload %s (models: %s) has answered a scrape for %s: "+
			"every pod is gone, not ready or failing its metrics endpoint.", w.Name, strings.Join(in.Models, ", "), in.Down.For),
		source: w.Path("inference", "down"),
	}, {
		name: HighInferenceLatency,
		expr: fmt.Sprintf("histogram_quantile(%s, sum by (%s, le) (rate(%s_bucket%s[%s])))\n> %s",
			num(q), by, in.LatencyMetric, sel(w, models...), in.Latency.Window, num(model.Seconds(in.Latency.Threshold))),
		forDur:   in.Latency.For,
		severity: in.Latency.Severity,
		summary:  fmt.Sprintf("P%s latency of model {{ $labels.%s }} is {{ $value | humanizeDuration }}", pct, in.ModelLabel),
		description: fmt.Sprintf("P%s latency of model {{ $labels.%s }} served by %s in namespace {{ $labels.namespace }} "+
			"has been above %s for %s (now {{ $value | humanizeDuration }}).", pct, in.ModelLabel, w.Name, in.Latency.Threshold, in.Latency.For),
		source: w.Path("inference", "latency"),
	}, {
		name: InferenceErrorRateHigh,
		expr: fmt.Sprintf("sum by (%s) (rate(%s%s[%s]))\n/\nsum by (%s) (rate(%s%s[%s]))\n> %s",
			by, in.RequestsMetric, sel(w, append(models, in.StatusLabel, in.ErrorStatus)...), in.ErrorRate.Window,
			by, in.RequestsMetric, sel(w, models...), in.ErrorRate.Window, num(in.ErrorRate.Max)),
		forDur:   in.ErrorRate.For,
		severity: in.ErrorRate.Severity,
		summary:  fmt.Sprintf("{{ $value | humanizePercentage }} of requests to model {{ $labels.%s }} fail", in.ModelLabel),
		description: fmt.Sprintf("{{ $value | humanizePercentage }} of the requests to model {{ $labels.%s }} served by %s in namespace "+
			"{{ $labels.namespace }} ended with %s=%s over the last %s (allowed: %s).", in.ModelLabel, w.Name, in.StatusLabel, stack.TemplateLiteral(fmt.Sprintf("%q", in.ErrorStatus)),
			in.ErrorRate.Window, num(in.ErrorRate.Max*100)+"%"),
		source: w.Path("inference", "errorRate"),
	}}
}
