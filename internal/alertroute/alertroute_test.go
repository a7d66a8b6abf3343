package alertroute

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/common/model"
)

// config has the routing shape dataopsgen generates and the inhibit rules
// kube-prometheus-stack 88.5.3 ships (charts/kube-prometheus-stack/values.yaml,
// alertmanager.config.inhibit_rules).
const config = `
route:
  receiver: chat
  group_by: [alertname]
  routes:
  - matchers: ['alertname = "Watchdog"']
    receiver: "null"
  - matchers: ['severity = "critical"']
    receiver: pager
    continue: true
  - matchers: ['team = "nlp"']
    receiver: nlp
receivers:
- name: "null"
- name: chat
- name: pager
- name: nlp
inhibit_rules:
- source_matchers: ['severity = critical']
  target_matchers: ['severity =~ warning|info']
  equal: [namespace, alertname]
- source_matchers: ['severity = warning']
  target_matchers: ['severity = info']
  equal: [namespace, alertname]
- source_matchers: ['alertname = InfoInhibitor']
  target_matchers: ['severity = info']
  equal: [namespace]
- target_matchers: ['alertname = InfoInhibitor']
`

func load(t *testing.T) *Router {
	t.Helper()
	r, err := Load(config)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReceivers(t *testing.T) {
	r := load(t)
	tests := []struct {
		labels map[string]string
		want   []string
	}{
		{map[string]string{"alertname": "Watchdog", "severity": "critical"}, []string{"null"}},
		{map[string]string{"alertname": "X", "severity": "critical"}, []string{"pager"}},
		{map[string]string{"alertname": "X", "severity": "critical", "team": "nlp"}, []string{"pager", "nlp"}},
		{map[string]string{"alertname": "X", "severity": "warning", "team": "nlp"}, []string{"nlp"}},
		{map[string]string{"alertname": "X", "severity": "warning"}, []string{"chat"}},
		{map[string]string{}, []string{"chat"}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, r.Receivers(Labels(tc.labels))); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tc.labels, diff)
		}
	}
}

func TestMutes(t *testing.T) {
	r := load(t)
	ls := func(kv ...string) model.LabelSet {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return Labels(m)
	}
	infoInhibitor := ls("alertname", "InfoInhibitor", "severity", "none", "namespace", "ml")
	throttling := ls("alertname", "CPUThrottlingHigh", "severity", "info", "namespace", "ml")
	tests := []struct {
		name   string
		target model.LabelSet
		firing []model.LabelSet
		want   bool
	}{
		{"info alone", throttling, nil, false},
		{"info with InfoInhibitor", throttling, []model.LabelSet{infoInhibitor}, true},
		{"info, InfoInhibitor of another namespace", throttling,
			[]model.LabelSet{ls("alertname", "InfoInhibitor", "severity", "none", "namespace", "other")}, false},
		{"InfoInhibitor alone is not its own source", infoInhibitor, []model.LabelSet{infoInhibitor}, false},
		{"InfoInhibitor with any other alert", infoInhibitor, []model.LabelSet{infoInhibitor, throttling}, true},
		{"warning under a critical of the same alert", ls("alertname", "A", "severity", "warning", "namespace", "ml"),
			[]model.LabelSet{ls("alertname", "A", "severity", "critical", "namespace", "ml")}, true},
		{"warning under a critical of another alert", ls("alertname", "A", "severity", "warning", "namespace", "ml"),
			[]model.LabelSet{ls("alertname", "B", "severity", "critical", "namespace", "ml")}, false},
		{"critical is never a target", ls("alertname", "A", "severity", "critical", "namespace", "ml"),
			[]model.LabelSet{ls("alertname", "A", "severity", "critical", "namespace", "ml", "x", "y")}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Muted(tc.target, tc.firing...)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Muted(%s, %v) = %v, want %v", tc.target, tc.firing, got, tc.want)
			}
		})
	}
}

func TestInhibitRulesFor(t *testing.T) {
	r := load(t)
	var got []string
	for _, cr := range r.InhibitRulesFor(Labels(map[string]string{"alertname": "A", "severity": "info"})) {
		got = append(got, fmt.Sprint(cr.SourceMatchers))
	}
	want := []string{`[severity="critical"]`, `[severity="warning"]`, `[alertname="InfoInhibitor"]`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLoadRejects(t *testing.T) {
	for _, bad := range []string{
		"",
		"route: {receiver: nobody}\nreceivers: [{name: a}]\n",
		"route: {receiver: a}\nreceivers: [{name: a}]\nunknown: 1\n",
	} {
		if _, err := Load(bad); err == nil {
			t.Errorf("Load(%q) accepted", bad)
		} else if strings.TrimSpace(err.Error()) == "" {
			t.Errorf("Load(%q): empty error", bad)
		}
	}
}
