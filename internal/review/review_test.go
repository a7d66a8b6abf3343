package review

import "testing"

func TestDelta(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"sum(rate(x[5m])) > 0.5", "sum(rate(x[5m])) > 0.8", `"…x[5m])) > 0.5" → "…x[5m])) > 0.8"`},
		{"up == 0", "up == 1", `"up == 0" → "up == 1"`},
		{"a\n  > 1", "a > 1", `"a > 1" → "a > 1"`},
	}
	for _, c := range cases {
		if got := Delta(c.a, c.b); got != c.want {
			t.Errorf("Delta(%q, %q) = %s, want %s", c.a, c.b, got, c.want)
		}
	}
}

func TestSummarizeAlerts(t *testing.T) {
	rule := func(expr, forDur string) []byte {
		return []byte(`apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: x}
spec:
  groups:
  - name: g
    rules:
    - alert: A
      expr: ` + expr + `
      for: ` + forDur + `
      labels: {severity: warning}
`)
	}
	old := map[string][]byte{"config/prometheus-rules/workloads/x.yaml": rule("up == 0", "5m")}
	cur := map[string][]byte{"config/prometheus-rules/workloads/x.yaml": rule("up == 0", "10m")}
	ch := Summarize(old, cur)
	if len(ch) != 2 || ch[0].String() != "~ A (g): for 5m → 10m" || ch[1].Section != "files" {
		t.Fatalf("got %v", ch)
	}
	if ch := Summarize(old, old); len(ch) != 0 {
		t.Fatalf("no change, got %v", ch)
	}
}
