package ruletests

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"

	"github.com/dataopsgen/dataopsgen/internal/ruletest"
)

// firing is the expected alert of rule r when its expression returns one
// sample with labels exprLabels and value v: the labels Prometheus gives the
// alert (the sample's, overridden by the rule's) and its annotations expanded
// by Prometheus's own template engine, as the rule manager does. Only the
// inputs are computed here (labels and value, from the spec and the test
// data), never the rendering, so the test holds exactly what Prometheus sends.
//
// An expansion that shows "<no value>" (a $labels.x the expression does not
// return, so the text the user gets is broken) or an error is refused.
func firing(r monitoringv1.Rule, exprLabels labelSet, v float64) (ruletest.Alert, error) {
	a := ruletest.Alert{ExpLabels: maps.Clone(exprLabels), ExpAnnotations: map[string]string{}}
	for _, k := range slices.Sorted(maps.Keys(r.Labels)) {
		s, err := expand(r.Alert, r.Labels[k], exprLabels, v)
		if err != nil {
			return a, fmt.Errorf("label %s: %w", k, err)
		}
		a.ExpLabels[k] = s
	}
	for _, k := range slices.Sorted(maps.Keys(r.Annotations)) {
		s, err := expand(r.Alert, r.Annotations[k], exprLabels, v)
		if err != nil {
			return a, fmt.Errorf("annotation %s: %w", k, err)
		}
		a.ExpAnnotations[k] = s
	}
	// As parsed back from the file (empty maps are not written), so that
	// the file's value is exactly what parsing it gives.
	if len(a.ExpAnnotations) == 0 {
		a.ExpAnnotations = nil
	}
	if len(a.ExpLabels) == 0 {
		a.ExpLabels = nil
	}
	return a, nil
}

// defs are the variables rules/alerting.go defines for alert templates.
const defs = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

func expand(alert, text string, l labelSet, v float64) (string, error) {
	// A text without an action ("{{") is a template of text only: it
	// expands to itself (defs write nothing). Most rule labels are, and
	// setting up an expansion costs far more than the rest of a test.
	out := text
	if strings.Contains(text, "{{") {
		data := template.AlertTemplateData(l, map[string]string{}, "", promql.Sample{F: v})
		noQuery := func(context.Context, string, time.Time) (promql.Vector, error) {
			return nil, errors.New("query is not available in generated tests")
		}
		e := template.NewTemplateExpander(context.Background(), defs+text, "__alert_"+alert, data, 0, noQuery, nil, nil)
		var err error
		if out, err = e.Expand(); err != nil {
			return "", err
		}
	}
	if strings.Contains(out, "<no value>") {
		return "", fmt.Errorf("%q expands to %q: it uses a label the expression does not return (it has %s)",
			text, out, strings.Join(slices.Sorted(maps.Keys(l)), ", "))
	}
	return out, nil
}
