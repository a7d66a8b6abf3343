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

	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// firing is the expected alert of rule r when its expression returns one
// sample with labels exprLabels and value v: the labels Prometheus gives the
// alert (the sample's, overridden by the rule's) and its annotations expanded
// by Prometheus's own template engine, as the rule manager does. Only the
// inputs are computed here (labels and value, from the spec and the test
// data), never the rendering, so the test holds exactly what Prometheus sends.
//
// The expansions are queued in ex and the alert's values filled by
// ex.run(), which reports the first failure in the order of the calls: an
// expansion that shows "<no value>" (a $labels.x the expression does not
// return, so the text the user gets is broken) or an error is refused.
func (ex *expander) firing(r monitoringv1.Rule, exprLabels labelSet, v float64) promunit.Alert {
	a := promunit.Alert{ExpLabels: maps.Clone(exprLabels), ExpAnnotations: map[string]string{}}
	for _, k := range slices.Sorted(maps.Keys(r.Labels)) {
		a.ExpLabels[k] = "" // filled by run
		ex.add(expansion{alert: r.Alert, what: "label", key: k, text: r.Labels[k], l: exprLabels, v: v, dst: a.ExpLabels})
	}
	for _, k := range slices.Sorted(maps.Keys(r.Annotations)) {
		a.ExpAnnotations[k] = ""
		ex.add(expansion{alert: r.Alert, what: "annotation", key: k, text: r.Annotations[k], l: exprLabels, v: v, dst: a.ExpAnnotations})
	}
	// As parsed back from the file (empty maps are not written), so that
	// the file's value is exactly what parsing it gives.
	if len(a.ExpAnnotations) == 0 {
		a.ExpAnnotations = nil
	}
	if len(a.ExpLabels) == 0 {
		a.ExpLabels = nil
	}
	return a
}

// defs are the variables rules/alerting.go defines for alert templates.
const defs = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

func expand(alert, text string, l labelSet, v float64) (string, error) {
	// A text without an action ("{{") is a template of text only: it
	// expands to itself (defs write nothing). Most rule labels are, and
	// setting up an expansion costs far more than the rest of a test.
	out := text
	if strings.Contains(text, "{{") {
		e := template.NewTemplateExpander(context.Background(), defs+text, "__alert_"+alert, alertData(l, v), 0, noQuery, nil, nil)
		var err error
		if out, err = e.Expand(); err != nil {
			return "", err
		}
	}
	return checkExpansion(text, out, l)
}

// alertData is the data the rule manager expands an alert's templates with.
func alertData(l labelSet, v float64) any {
	return template.AlertTemplateData(l, map[string]string{}, "", promql.Sample{F: v})
}

func noQuery(context.Context, string, time.Time) (promql.Vector, error) {
	return nil, errors.New("query is not available in generated tests")
}

// checkExpansion refuses an expansion that shows "<no value>".
func checkExpansion(text, out string, l labelSet) (string, error) {
	if strings.Contains(out, "<no value>") {
		return "", fmt.Errorf("%q expands to %q: it uses a label the expression does not return (it has %s)",
			text, out, strings.Join(slices.Sorted(maps.Keys(l)), ", "))
	}
	return out, nil
}
