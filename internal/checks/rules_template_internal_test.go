package checks

import (
	"errors"
	"slices"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
)

func TestScanTemplate(t *testing.T) {
	r := &ruleRef{Rule: &monitoringv1.Rule{Alert: "A"}}
	for _, tc := range []struct {
		text       string
		simple     bool
		parsed     bool
		safe       bool
		refs       []string
		literalVar bool
	}{
		{text: "plain text", simple: true},
		{text: "Pod $labels{pod} restarted", simple: true, literalVar: true},
		{text: "cost: 5$ per $value", simple: true, literalVar: true},
		{text: "$values are fine", simple: true},
		{text: "{{ $labels.pod }} at {{ $value | humanizeDuration }}", simple: true, refs: []string{"pod"}},
		{text: "{{- .Labels.job -}} {{ $labels.x | toUpper }}", simple: true, refs: []string{"job", "x"}},
		{text: `{{ $value | printf "%.2f" }}`, simple: true},
		{text: "{{ $labels.pod | humanize }}", parsed: true, refs: []string{"pod"}},
		{text: `{{ printf "%s/%s" $labels.namespace $labels.pod }}`, parsed: true, safe: true, refs: []string{"namespace", "pod"}},
		{text: `{{ index $labels "pod" }}`, parsed: true, refs: []string{"pod"}},
		{text: `{{ if gt $value 1.0 }}{{ $labels.a }}{{ end }} $labels.b`, parsed: true, refs: []string{"a"}, literalVar: true},
		{text: `{{ $value | humanize | toUpper }}`, parsed: true, safe: true},
		{text: `{{ $labels.pod `},
	} {
		t.Run(tc.text, func(t *testing.T) {
			a := newAlertTemplate(r, "annotation x", tc.text)
			if a.simple != tc.simple || (a.tree != nil) != tc.parsed {
				t.Fatalf("simple %v, parsed %v", a.simple, a.tree != nil)
			}
			if a.tree != nil && safeTemplate(a.tree) != tc.safe {
				t.Errorf("safe %v", !tc.safe)
			}
			var refs []string
			for _, ref := range a.refs {
				refs = append(refs, ref.name)
			}
			if !slices.Equal(refs, tc.refs) {
				t.Errorf("refs %v, want %v", refs, tc.refs)
			}
			found := false
			for _, text := range a.texts {
				found = found || literalVar.MatchString(text)
			}
			if found != tc.literalVar {
				t.Errorf("literal variable found: %v", found)
			}
		})
	}
}

func TestCleanTemplateErr(t *testing.T) {
	err := errors.New(`error executing template __alert_A: template: __alert_A:1:140: executing "__alert_A" at <humanize $labels.pod>: error calling humanize: bad`)
	if got, want := cleanTemplateErr(err), "at <humanize $labels.pod>: error calling humanize: bad"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
