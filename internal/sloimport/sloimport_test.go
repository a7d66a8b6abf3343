package sloimport

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

const slothSpec = `version: "prometheus/v1"
service: "myservice"
labels:
  owner: "myteam"
slos:
  - name: "requests-availability"
    objective: 99.9
    description: "Common SLO based on availability for HTTP request responses."
    sli:
      events:
        error_query: sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))
    alerting:
      name: MyServiceHighErrorRate
      labels:
        category: "availability"
      page_alert:
        labels:
          severity: pageteam
      ticket_alert:
        disable: true
`

func TestSloth(t *testing.T) {
	slos, diags := Sloth("sloth.yml", []byte(slothSpec), Options{})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	want := []SLO{{
		Name:        "myservice-requests-availability",
		Notes:       []string{`Sloth named the alerts MyServiceHighErrorRate; dataopsgen's are SLOErrorBudgetBurnPage and SLOErrorBudgetBurnTicket, labelled slo="myservice-requests-availability".`},
		Description: "Common SLO based on availability for HTTP request responses.",
		Objective:   "99.9",
		Window:      "30d",
		Labels:      map[string]string{"owner": "myteam"},
		Errors:      `http_request_duration_seconds_count{code=~"(5..|429)", job="myservice"}`,
		Total:       `http_request_duration_seconds_count{job="myservice"}`,
		Page:        Tier{Severity: "pageteam", Labels: map[string]string{"category": "availability"}},
		Ticket:      Tier{Disabled: true, Labels: map[string]string{"category": "availability"}},
	}}
	if d := cmp.Diff(want, slos); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestSlothErrors: what does not convert is reported at its place in the
// file, every problem at once.
func TestSlothErrors(t *testing.T) {
	src := `version: "prometheus/v1"
service: "svc"
slos:
  - name: "raw"
    objective: 99.9
    sli:
      raw:
        error_ratio_query: sum(rate(errors[{{.window}}])) / sum(rate(total[{{.window}}]))
  - name: "by"
    objective: 100
    sli:
      events:
        error_query: sum by (code) (rate(http_requests_total{code="500"}[{{.window}}]))
        total_query: sum(rate(http_requests_total[5m]))
  - name: "plugin"
    objective: 99
    labels: {slo: x}
    sli:
      plugin: {id: "sloth-common/availability"}
---
version: "kubernetes/v1"
`
	_, diags := Sloth("s.yml", []byte(src), Options{})
	want := []string{
		`s.yml:8:9: import/sloth: a raw error-ratio SLI cannot be converted: dataopsgen counts events itself (and a ratio of ratios over a window is not the window's ratio); write the bad and total event counters as sli.events`,
		`s.yml:10:16: import/sloth: objective "100": a percentage in (0, 100) (dataopsgen refuses 100: no error budget to burn)`,
		`s.yml:13:22: import/sloth: sli.events.error_query: "sum by (code) (rate(http_requests_total{code=\"500\"}[{{.window}}]))" is not a sum of a rate without grouping; dataopsgen counts a counter's series: write it sum(rate(<series selector>[{{.window}}]))`,
		`s.yml:14:22: import/sloth: sli.events.total_query: the query does not use {{.window}}: Sloth would read the same window for every alert`,
		`s.yml:15:5: import/sloth: label slo is one dataopsgen sets on SLO alerts`,
		`s.yml:19:15: import/sloth: SLI plugin "sloth-common/availability" cannot be converted: write the SLI's bad and total event counters as sli.events`,
		`s.yml:21:1: import/sloth: version "kubernetes/v1": only Sloth's prometheus/v1 specs convert (a Kubernetes PrometheusServiceLevel: take its spec)`,
	}
	if d := cmp.Diff(want, lines(diags)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

const openSLOSpec = `apiVersion: openslo/v1
kind: SLI
metadata:
  name: chat-errors
spec:
  ratioMetric:
    counter: true
    bad:
      metricSource:
        type: Prometheus
        spec:
          query: sum(inference_requests_total{status="error"})
    total:
      metricSource:
        type: Prometheus
        spec:
          query: inference_requests_total
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: chat-availability
spec:
  service: chat
  indicatorRef: chat-errors
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.995
`

func TestOpenSLO(t *testing.T) {
	slos, diags := OpenSLO("o.yml", []byte(openSLOSpec), Options{Workload: "chat"})
	if diags != nil {
		t.Fatal(diags.Err())
	}
	want := []SLO{{
		Name: "chat-availability", Workload: "chat", Objective: "99.5", Window: "28d",
		Errors: `inference_requests_total{status="error"}`, Total: "inference_requests_total",
	}}
	if d := cmp.Diff(want, slos); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestOpenSLOErrors(t *testing.T) {
	src := `apiVersion: openslo/v1
kind: SLO
metadata:
  name: calendar
spec:
  timeWindow:
    - duration: 1M
      calendar: {startTime: "2020-01-21 12:30:00", timeZone: UTC}
  budgetingMethod: Timeslices
  indicator:
    metadata: {name: x}
    spec:
      ratioMetric:
        counter: false
        good:
          metricSource: {type: Datadog, spec: {query: "sum:hits{*}"}}
        total:
          metricSource: {type: Prometheus, spec: {query: "sum(rate(x[5m]))"}}
  objectives:
    - target: 1.5
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: missing}
spec:
  indicatorRef: nope
  objectives: [{targetPercent: 99}]
`
	_, diags := OpenSLO("o.yml", []byte(src), Options{})
	want := []string{
		`o.yml:7:7: import/openslo: a calendar-aligned window cannot be converted: dataopsgen's compliance windows roll`,
		`o.yml:7:7: import/openslo: window "1M": a rolling window in minutes, hours, days or weeks (months, quarters and years vary in length)`,
		`o.yml:9:20: import/openslo: budgeting method Timeslices cannot be converted: dataopsgen budgets occurrences (bad events over all events)`,
		`o.yml:14:9: import/openslo: counter: false: only counters convert (a gauge's ratio per sample is not an occurrence budget); a 0/1 gauge is a boolGauge SLI`,
		`o.yml:16:32: import/openslo: metric source type Datadog: only Prometheus queries convert`,
		`o.yml:18:58: import/openslo: "sum(rate(x[5m]))" is not a counter's series selector (or sum() of one): dataopsgen rates a counter's series over each window itself`,
		`o.yml:20:15: import/openslo: target "1.5": a ratio in (0, 1)`,
		`o.yml:26:17: import/openslo: no SLI document named "nope" in the file`,
	}
	if d := cmp.Diff(want, lines(diags)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestSlothExamples: Sloth's own examples (testdata, copied from
// slok/sloth v0.16.0 examples/) convert, or are refused at the query that
// does not.
func TestSlothExamples(t *testing.T) {
	for file, wantErr := range map[string]string{
		"testdata/getting-started.yml":      "",
		"testdata/kubernetes-apiserver.yml": "is not a sum of a rate without grouping",
	} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		slos, diags := Sloth(file, data, Options{})
		switch {
		case wantErr == "" && diags != nil:
			t.Errorf("%s: %v", file, diags.Err())
		case wantErr != "" && (diags == nil || !strings.Contains(diags.Err().Error(), wantErr)):
			t.Errorf("%s: %v, want %q", file, diags.Err(), wantErr)
		case wantErr == "":
			if _, err := CUE("test", slos); err != nil {
				t.Error(err)
			}
		}
	}
}

func lines(l diag.List) []string {
	var out []string
	for _, d := range l {
		out = append(out, d.Pos.String()+": "+d.Check+": "+d.Message)
	}
	return out
}

func FuzzSloth(f *testing.F) {
	f.Add([]byte(slothSpec))
	f.Add([]byte("version: prometheus/v1\nslos: [{sli: {events: {error_query: 'x{'}}}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		slos, diags := Sloth("f.yml", data, Options{})
		if diags == nil {
			if _, err := CUE("fuzz", slos); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzOpenSLO(f *testing.F) {
	f.Add([]byte(openSLOSpec))
	f.Fuzz(func(t *testing.T, data []byte) {
		slos, diags := OpenSLO("f.yml", data, Options{})
		if diags == nil {
			if _, err := CUE("fuzz", slos); err != nil {
				t.Fatal(err)
			}
		}
	})
}
