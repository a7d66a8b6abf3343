package promstack

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/common/model"

	"github.com/dataopsgen/dataopsgen/internal/alertroute"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
)

func TestMergeInhibitRules(t *testing.T) {
	chart := ChartInhibitRules()
	own := OwnInhibitRules()
	extra := InhibitRule{SourceMatchers: []string{`slo = "page"`}, TargetMatchers: []string{`slo = "ticket"`}, Equal: []string{"slo_name"}}
	broader := InhibitRule{SourceMatchers: []string{"severity=critical"}, TargetMatchers: []string{`severity=~"warning|info"`}, Equal: []string{"namespace"}}
	tests := []struct {
		name  string
		chart []InhibitRule
		own   []InhibitRule
		want  []InhibitRule
	}{
		{"own refine the chart's severity rules in place", chart, own,
			[]InhibitRule{own[0], own[1], chart[2], chart[3]}},
		{"no own rules: the chart's", chart, nil, chart},
		{"a repeat of a chart rule is one rule", chart, []InhibitRule{chart[2]}, chart},
		{"another generator's rule is appended", chart, append(own, extra),
			[]InhibitRule{own[0], own[1], chart[2], chart[3], extra}},
		{"a broader own rule does not replace the chart's", chart, []InhibitRule{broader},
			append(chart, broader)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := MergeInhibitRules(tc.chart, tc.own)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// The chart's list is not modified.
	if diff := cmp.Diff(ChartInhibitRules(), chart); diff != "" {
		t.Errorf("chart rules modified:\n%s", diff)
	}
}

// TestMergedInhibitRulesDecide runs the merged rules and the chart's own in
// Alertmanager's Inhibitor: the chart's alerts (no workload label) are
// silenced exactly as the chart decides, info alerts by InfoInhibitor too,
// and one workload's critical alert does not silence another's warning.
func TestMergedInhibitRulesDecide(t *testing.T) {
	router := func(rules []InhibitRule) *alertroute.Router {
		cfg := AlertmanagerConfig{Route: Route{Receiver: NullReceiver}, Receivers: []Receiver{{Name: NullReceiver}}, InhibitRules: rules}
		b, err := artifact.YAML(cfg)
		if err != nil {
			t.Fatal(err)
		}
		r, err := alertroute.Load(string(b))
		if err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		return r
	}
	merged := router(MergeInhibitRules(ChartInhibitRules(), OwnInhibitRules()))
	chart := router(ChartInhibitRules())
	ls := func(kv ...string) model.LabelSet {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return alertroute.Labels(m)
	}
	// The chart's kind of alerts: no workload label.
	stackAlerts := []model.LabelSet{
		ls("alertname", "InfoInhibitor", "severity", "none", "namespace", "ml"),
		ls("alertname", "CPUThrottlingHigh", "severity", "info", "namespace", "ml", "pod", "a"),
		ls("alertname", "KubePodCrashLooping", "severity", "warning", "namespace", "ml", "pod", "a"),
		ls("alertname", "KubePodCrashLooping", "severity", "critical", "namespace", "ml", "pod", "b"),
		ls("alertname", "KubePodCrashLooping", "severity", "info", "namespace", "ml", "pod", "c"),
		ls("alertname", "KubePodCrashLooping", "severity", "warning", "namespace", "other", "pod", "a"),
		ls("alertname", "Watchdog", "severity", "none"),
	}
	for i, target := range stackAlerts {
		// Every subset of the others firing would be 2^6; each one alone
		// and all at once cover every rule.
		firings := [][]model.LabelSet{stackAlerts}
		for j, f := range stackAlerts {
			if j != i {
				firings = append(firings, []model.LabelSet{f})
			}
		}
		for _, firing := range firings {
			want, err := chart.Muted(target, firing...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := merged.Muted(target, firing...)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s with %v firing: muted %v, the chart's rules say %v", target, firing, got, want)
			}
		}
	}
	infoMuted, err := merged.Muted(stackAlerts[1], stackAlerts[0])
	if err != nil || !infoMuted {
		t.Errorf("CPUThrottlingHigh (info) is not silenced by InfoInhibitor: %v %v", infoMuted, err)
	}
	warnA := ls("alertname", "HighInferenceLatency", "severity", "warning", "namespace", "ml", "workload", "a")
	critA := ls("alertname", "HighInferenceLatency", "severity", "critical", "namespace", "ml", "workload", "a")
	critB := ls("alertname", "HighInferenceLatency", "severity", "critical", "namespace", "ml", "workload", "b")
	for _, tc := range []struct {
		firing model.LabelSet
		want   bool
	}{{critA, true}, {critB, false}} {
		got, err := merged.Muted(warnA, tc.firing)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s with %s firing: muted %v, want %v", warnA, tc.firing, got, tc.want)
		}
	}
}

// TestBuildAlertmanagerKeepsChartInhibitRules: the generated config keeps
// every chart inhibit rule or a refinement of it (the list replaces the
// chart's; the render test checks it against the chart itself).
func TestBuildAlertmanagerKeepsChartInhibitRules(t *testing.T) {
	cfg, _ := BuildAlertmanager(modeltest.Example(t))
	for _, c := range ChartInhibitRules() {
		kept := false
		for _, r := range cfg.InhibitRules {
			kept = kept || (sameMatchers(r.SourceMatchers, c.SourceMatchers) && sameMatchers(r.TargetMatchers, c.TargetMatchers) && subset(c.Equal, r.Equal))
		}
		if !kept {
			t.Errorf("the generated inhibit_rules drop the chart's %+v", c)
		}
	}
}
