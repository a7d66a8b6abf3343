package yamlenc

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
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
	// Indicators and their neighbours.
	"-", "--", "---", "--- a", "...", "-a", "- ", "?a", "? a", ": a", "a:", "a:b", "a :b", "a: ", "#", "a#b", "a\t#b", ",a", "a,b", "a]",
	"<<", "=", "!", "&", "*", "a'b", "'a'", "a\"b", "\"a\"", "a\\b",
	// Resolved as other types (quoted) or not.
	"0b1", "0b-1", "-0b1", "0o17", "0x_1", "1_0", "._5", ".5e1_0", ".inf", "+.inf", "-.Inf", ".NaN", ".nan_", "1:20", "190:20:30.15", "1:60",
	"2001-12-14t21:59:43.10-05:00", "2006-1-2", "2006-01-02 15:04:05", "2006-13-45", "0.", "1e", "1e5", "+", "-.5", "0x", "Infinity", "NaN",
	"99999999999999999999", "-99999999999999999999", "0x1FFFFFFFFFFFFFFFFF", "1" + strings.Repeat("0", 400), "Yes", "OFF", "Null", "NULL", "nULL",
	"0+20x11", "1+1x10", "_x3", "stale", "0 1 2",
	// Spaces and breaks.
	"a  b", "a \nb", "a\n b", " a\nb", "\na", "a\n\n", "a\n \n", "\n", "\n\n", "a\r\nb", "a\rb", "a\u2028b c", "a\u2029", "\u2029b", "\u00a0", "a\u00a0b",
	"tab\tinside", "tail\t", "x\n\ty", strings.Repeat("line\n", 5) + "end", "trailing space \nline",
	// Folding at 80 columns: plain, single- and double-quoted, with
	// double spaces, one long word, non-ASCII.
	strings.Repeat("word ", 30) + "end", strings.Repeat("a  b ", 30) + "c", "@" + strings.Repeat(" at", 40), "'" + strings.Repeat(" q", 50) + "'",
	"\t" + strings.Repeat(" tab", 40), strings.Repeat("é ", 60) + "e", strings.Repeat("日本 ", 40) + "x", strings.Repeat("x", 79) + " " + strings.Repeat("y", 10),
	strings.Repeat("x", 80) + " y", strings.Repeat("x", 81) + "  y", strings.Repeat("word ", 30) + "\n" + strings.Repeat("word ", 30),
	`up{container="resnet", instance="10.0.0.1:8080", job="dataops/ml/resnet", model_name="resnet50", namespace="ml", pod="resnet-0", status="ok"}`,
	"\ufeffabc def", "\ufeff" + strings.Repeat(" x", 50), "\U0001F600 smile", "a\U0001F600b",
	// Key order (yaml.v2's natural sort).
	map[string]int{"a1": 1, "a01": 2, "a001": 3, "a10": 4, "a2": 5, "b": 6, "B": 7, "_": 8, "-": 9, "0": 10, "00": 11, "10": 12, "9": 13,
		"a-1": 14, "a_1": 15, "é": 16, "Z": 17, "z1": 18, "z01": 19, "z0": 20, "z00": 21, "x10y": 22, "x9y": 23, "x09y": 24, "١٢": 25, "١": 26, "ß": 27, "a": 28, "": 29},
	// Keys that are not simple (long, multi-line) with every kind of value.
	map[string]any{strings.Repeat("k", 129): []any{1, "a"}, strings.Repeat("k", 128): map[string]any{"a": 1}, "multi\nline": []any{},
		"multi\nline2": map[string]any{"x": []any{"y"}}, "multi\nline3 ": "v", strings.Repeat("long key ", 20): "v\nw", "\n": nil},
	[]any{[]any{[]any{"deep"}}, map[string]any{"l": []any{[]any{1}, map[string]any{}}}},
	// yaml.v2 reads a JSON key of at most 1024 characters from quote to ':'.
	map[string]int{strings.Repeat("k", 1022): 1}, map[string]int{strings.Repeat("k", 1023): 1}, map[string]int{strings.Repeat("é", 1023): 1},
	map[string]int{strings.Repeat("é", 1022): 1}, map[string]int{strings.Repeat("\"", 511): 1}, map[string]int{strings.Repeat("\"", 512): 1},
	// JSON that json.Marshal copies from MarshalJSON, which yaml.v2 may
	// read differently from encoding/json.
	json.RawMessage(`"\/"`), json.RawMessage(`"\ud83d\ude00"`), json.RawMessage(`"\u00e9\u0000"`), json.RawMessage(`{"b" : 1, "a":[ 1 ,2]}`),
	json.RawMessage(`{"a":1,"a":2}`), json.RawMessage(`1E400`), json.RawMessage(`-0.0`), json.RawMessage(`1.0e+2`), json.RawMessage(`12345678901234567890`),
	json.RawMessage(`-12345678901234567890`), json.RawMessage(`123456789012345678901234567890`), json.RawMessage(`-0`), json.RawMessage(`0.1e-400`),
	json.Number("1e3"), json.Number("-7"), json.Number("18446744073709551616"),
}

func TestMarshalMatchesSigsYAML(t *testing.T) {
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
	// Deeper than yaml.v2 reads.
	var deep any = "x"
	for range 10001 {
		deep = []any{deep}
	}
	values = append(values, deep)
	for i, v := range values {
		want, werr := sigsyaml.Marshal(v)
		got, gerr := Marshal(v)
		if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
			t.Errorf("value %d (%#v):\nsigs.k8s.io/yaml: %q (%v)\nyamlenc.Marshal:  %q (%v)", i, v, want, werr, got, gerr)
		}
	}
	// Unmarshalable values fail the same way.
	if _, err := Marshal(map[string]any{"f": func() {}}); err == nil || !strings.HasPrefix(err.Error(), "error marshaling into JSON: ") {
		t.Errorf("func value: got %v", err)
	}
}

// FuzzMarshalMatchesSigsYAML compares with sigs.k8s.io/yaml.Marshal on a
// string s in every position (root, key, value, list item, nested) and on
// a tree of maps, lists, numbers and strings built from data.
func FuzzMarshalMatchesSigsYAML(f *testing.F) {
	for _, v := range awkward {
		if s, ok := v.(string); ok {
			f.Add(s, []byte(s))
		}
	}
	f.Add("x", []byte{8, 3, 4, 1, 'a', 7, 2, 2, 9, 4, 2, '1', '0', 5})
	for _, j := range []string{`{"a\/b":"\u0085\ud83d\ude00","k":[1.5e3,-0,1E400,12345678901234567890]}`, `"\u2028 x\t"`, `[{"":null},{}]`} {
		f.Add(j, []byte(nil))
	}
	f.Fuzz(func(t *testing.T, s string, data []byte) {
		values := []any{s, map[string]any{s: s}, []any{s, map[string]any{"k": s, s: []any{s, []any{s}}}},
			map[string]any{"a": map[string]any{"b": []any{map[string]any{s: s, "c": s}}}}}
		d := data
		values = append(values, fuzzTree(&d, s, 0))
		if json.Valid([]byte(s)) {
			// JSON as a MarshalJSON method may write it (json.Marshal
			// only compacts it): escapes, numbers yaml.v2 reads its way.
			values = append(values, json.RawMessage(s))
		}
		for _, v := range values {
			want, werr := sigsyaml.Marshal(v)
			got, gerr := Marshal(v)
			if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
				t.Fatalf("%#v:\nsigs.k8s.io/yaml: %q (%v)\nyamlenc.Marshal:  %q (%v)", v, want, werr, got, gerr)
			}
		}
	})
}

// fuzzTree builds a value from the bytes at *d.
func fuzzTree(d *[]byte, s string, depth int) any {
	next := func() byte {
		if len(*d) == 0 {
			return 0
		}
		c := (*d)[0]
		*d = (*d)[1:]
		return c
	}
	take := func(n int) []byte {
		n = min(n, len(*d))
		b := (*d)[:n]
		*d = (*d)[n:]
		return b
	}
	str := func() string {
		switch c := next(); c % 4 {
		case 0:
			return s
		case 1:
			return s + string(take(int(c/4)%8))
		default:
			return string(take(int(c / 4)))
		}
	}
	switch op := next(); op % 11 {
	case 0:
		return nil
	case 1:
		return op&0x80 != 0
	case 2:
		return int64(binary.LittleEndian.Uint64(append(take(8), make([]byte, 8)...)))
	case 3:
		return binary.LittleEndian.Uint64(append(take(8), make([]byte, 8)...))
	case 4:
		return math.Float64frombits(binary.LittleEndian.Uint64(append(take(8), make([]byte, 8)...)))
	case 5:
		return json.Number(str())
	case 6, 7:
		return str()
	case 8:
		if depth > 6 {
			return s
		}
		l := make([]any, next()%6)
		for i := range l {
			l[i] = fuzzTree(d, s, depth+1)
		}
		return l
	default:
		if depth > 6 {
			return s
		}
		m := map[string]any{}
		for range next() % 6 {
			k := str()
			m[k] = fuzzTree(d, s, depth+1)
		}
		return m
	}
}
