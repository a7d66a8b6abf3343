package rules

import (
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
