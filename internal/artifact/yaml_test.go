package artifact

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsyaml "sigs.k8s.io/yaml"
)

// awkward are values whose YAML form depends on yaml.v2's quoting,
// folding and number resolution.
var awkward = []any{
	nil, true, false, 0, -1, 1 << 40, uint64(math.MaxUint64), int64(math.MinInt64),
	0.0, math.Copysign(0, -1), 0.5, 1e-7, 1e-6, 1e20, 1e21, 123456789.123, math.MaxFloat64, math.SmallestNonzeroFloat64,
	float32(0.1), "", " ", "a", "yes", "no", "on", "off", "y", "n", "true", "null", "~", "1", "1.0", "-1", "0x1F", "1e3",
	"0b101", "1_000", ".5", "+1", "2006-01-02", "2006-01-02T15:04:05Z", ":", "a: b", "- a", "#x", "a #b", "'", "\"", "\\",
	"line\nbreak", "trailing\n", "\ttab", "  lead", "trail  ", "<>&", "\u2028", "é", "日本", "\x00", "\x7f", "\u0085", "\u0080", "\u009f", "\ufffe", "\uffff", "\ufffd", "\U0001F600", "\xff", "\ufeff",
	"{{ $labels.pod }}", "up{job=\"a\"} == 0", "|", ">", "!tag", "&anchor", "*alias", "%", "@", "`", "?", "[a]", "{a}",
	strings.Repeat("long words ", 20), strings.Repeat("x", 200), "=~\"a|b\"",
	[]any{}, map[string]any{}, []any{nil, 1, "a", []any{}}, map[string]any{"a10": 1, "a9": 2, "A": 3, "b": map[string]any{"z": []int{1, 2}}, "": 0, "1": 1, "01": 2, "-": 3},
	map[string]string{"yes": "no", "1.5": "x", "key with space": "v"},
}

func TestYAMLMatchesSigsYAML(t *testing.T) {
	values := append([]any{}, awkward...)
	values = append(values, map[string]any{"all": awkward})
	for1m := monitoringv1.Duration("1m")
	values = append(values, &monitoringv1.PrometheusRule{
		TypeMeta:   metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1", Kind: "PrometheusRule"},
		ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "monitoring", Labels: map[string]string{"release": "prometheus"}},
		Spec: monitoringv1.PrometheusRuleSpec{Groups: []monitoringv1.RuleGroup{{
			Name: "g",
			Rules: []monitoringv1.Rule{
				{Alert: "A", Expr: intstr.FromString(`sum by (pod) (rate(x{a=~"b|c"}[5m])) > 0.05`), For: &for1m,
					Labels: map[string]string{"severity": "critical"}, Annotations: map[string]string{"summary": "{{ $labels.pod }}: {{ $value | humanizePercentage }}"}},
				{Record: "r", Expr: intstr.FromInt32(1)},
			},
		}}},
	})
	// Random trees of the values above.
	rng := rand.New(rand.NewPCG(1, 2))
	var tree func(depth int) any
	tree = func(depth int) any {
		switch k := rng.IntN(4); {
		case depth > 3 || k == 0:
			return awkward[rng.IntN(len(awkward))]
		case k == 1:
			l := make([]any, rng.IntN(4))
			for i := range l {
				l[i] = tree(depth + 1)
			}
			return l
		default:
			m := map[string]any{}
			for range rng.IntN(5) {
				s, _ := awkward[rng.IntN(len(awkward))].(string)
				m[s] = tree(depth + 1)
			}
			return m
		}
	}
	for range 500 {
		values = append(values, tree(0))
	}
	for i, v := range values {
		want, werr := sigsyaml.Marshal(v)
		got, gerr := YAML(v)
		if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
			t.Errorf("value %d (%#v):\nsigs.k8s.io/yaml: %q (%v)\nartifact.YAML:    %q (%v)", i, v, want, werr, got, gerr)
		}
	}
	// Unmarshalable values fail the same way.
	if _, err := YAML(map[string]any{"f": func() {}}); err == nil || !strings.HasPrefix(err.Error(), "error marshaling into JSON: ") {
		t.Errorf("func value: got %v", err)
	}
}

func BenchmarkYAML(b *testing.B) {
	// Shaped like a generated rule test file.
	var series []any
	for i := range 200 {
		series = append(series, map[string]any{
			"series": fmt.Sprintf(`inference_requests_total{container="resnet", instance="10.0.0.%d:8080", job="dataops/ml/resnet", model_name="resnet50", namespace="ml", pod="resnet-0", status="ok", workload="resnet"}`, i),
			"values": "0+20x11",
		})
	}
	v := map[string]any{"tests": []any{map[string]any{"input_series": series, "interval": "1m", "alert_rule_test": []any{map[string]any{"alertname": "A", "eval_time": "11m", "exp_alerts": []any{}}}}}}
	b.Run("artifact", func(b *testing.B) {
		for b.Loop() {
			if _, err := YAML(v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sigs.k8s.io", func(b *testing.B) {
		for b.Loop() {
			if _, err := sigsyaml.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
