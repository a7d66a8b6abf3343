package checks

import "testing"

func TestSubstituteVars(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`rate(x[$__rate_interval])`, `rate(x[5m])`},
		{`rate(x[$__interval] offset $__range)`, `rate(x[5m] offset 5m)`},
		{`x{pod=~"$pod", ns="${namespace:regex}", m="[[model]]"}`, `x{pod=~"V_pod", ns="V_namespace", m="V_model"}`},
		{`sum by ($group) (x) / $scale`, `sum by (V_group) (x) / 1`},
		{`sum(x) by ($group, le)`, `sum(x) by (V_group, le)`},
		{`x * on ($l) group_left ($m) y`, `x * on (V_l) group_left (V_m) y`},
		{`topk($n, x)`, `topk(1, x)`},
		{`rate(x[$window])`, `rate(x[5m])`},
		{`label_replace(x, "a", "$1", "b", "(.*)")`, `label_replace(x, "a", "$1", "b", "(.*)")`},
		{`x{a="\"$v"}`, `x{a="\"V_v"}`},
		{`x / $__range_s + $__interval_ms`, `x / 60 + 60000`},
		{`rate(foo_$suffix[5m]) + rate(${metric}_total[5m])`, `rate(foo_V_suffix[5m]) + rate(V_metric_total[5m])`},
	} {
		got := substituteVars(tc.in, "1")
		want := replaceAll(tc.want, "V", grafanaValue)
		if got != want {
			t.Errorf("substituteVars(%s) = %s, want %s", tc.in, got, want)
		}
		if _, err := parseGrafana(tc.in); err != nil {
			t.Errorf("parseGrafana(%s): %v", tc.in, err)
		}
	}
}

func replaceAll(s, old, new string) string {
	out := ""
	for i := 0; i < len(s); i++ {
		if i+len(old) <= len(s) && s[i:i+len(old)] == old {
			out += new
			i += len(old) - 1
			continue
		}
		out += string(s[i])
	}
	return out
}

func TestParseGrafanaMatchers(t *testing.T) {
	e, err := parseGrafana(`x{pod=~"$pod", ns!="$ns", a="b"}`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.String(), `x{a="b",pod=~".+"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestVariableQuery(t *testing.T) {
	for _, tc := range []struct{ in, text, label string }{
		{`label_values(up{workload=~"a|b"}, namespace)`, `up{workload=~"a|b"}`, "namespace"},
		{`label_values(sum by (a, b) (x), b)`, `sum by (a, b) (x)`, "b"},
		{`label_values(x{a=",)"}, a)`, `x{a=",)"}`, "a"},
		{`query_result(topk(5, x))`, `topk(5, x)`, ""},
		{`label_values(namespace)`, "", ""},
		{`label_names()`, "", ""},
		{`metrics(up)`, "", ""},
	} {
		var q promQuery
		ok := variableQuery(tc.in, &q)
		if ok != (tc.text != "") || q.text != tc.text || q.label != tc.label {
			t.Errorf("variableQuery(%s) = %v, %q, %q", tc.in, ok, q.text, q.label)
		}
	}
}
