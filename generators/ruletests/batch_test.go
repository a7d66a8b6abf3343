package ruletests

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/rules"
)

// sequential is what run did before batching: each text expanded alone,
// in order, stopping at the first failure.
func sequential(reqs []expansion) error {
	for _, r := range reqs {
		out, err := expand(r.alert, r.text, r.l, r.v)
		if err != nil {
			return fmt.Errorf("alert %s: %w", r.alert, fmt.Errorf("%s %s: %w", r.what, r.key, err))
		}
		r.dst[r.key] = out
	}
	return nil
}

// compareBatch expands texts (each with labels l and a value of its own)
// batched and alone, and reports a difference; batched: how many texts
// went through the batch.
func compareBatch(t *testing.T, texts []string, l labelSet) (batched int) {
	t.Helper()
	reqs := func(dst map[string]string) []expansion {
		var out []expansion
		for i, text := range texts {
			out = append(out, expansion{alert: "A", what: "annotation", key: fmt.Sprint(i), text: text, l: l, v: 0.25 * float64(i), dst: dst})
		}
		return out
	}
	got, want := map[string]string{}, map[string]string{}
	ex := expander{reqs: reqs(got)}
	_, in := batch(ex.reqs)
	gerr := ex.run()
	werr := sequential(reqs(want))
	if fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Errorf("%q: error %v, alone %v", texts, gerr, werr)
	}
	if gerr == nil && !maps.Equal(got, want) {
		t.Errorf("%q: %q, alone %q", texts, got, want)
	}
	for _, ok := range in {
		if ok {
			batched++
		}
	}
	return batched
}

// The generated alerts' texts go through the batch (else it saves
// nothing), and give what expanding each alone gives.
func TestBatchIsExpand(t *testing.T) {
	for name, s := range specs(t) {
		var all []string
		for _, w := range s.Workloads {
			var texts []string
			for _, r := range rules.WorkloadGroup(s, w).Rules {
				for _, m := range []map[string]string{r.Labels, r.Annotations} {
					for _, k := range slices.Sorted(maps.Keys(m)) {
						texts = append(texts, m[k])
					}
				}
			}
			l := labelSet{"namespace": w.Namespace, "workload": w.Name, "pod": w.Name + "-0", "job_name": "j", "model_name": "m"}
			templated := 0
			for _, text := range texts {
				if strings.Contains(text, "{{") {
					templated++
				}
			}
			if n := compareBatch(t, texts, l); templated >= 2 && n != templated {
				t.Errorf("%s %s: %d of %d templated texts batched", name, w.Name, n, templated)
			}
			all = append(all, texts...)
		}
		if len(all) == 0 {
			t.Fatalf("%s: no texts", name)
		}
	}
	// Texts that must not change what the others give (errors included).
	l := labelSet{"a": "x", "b": "has " + batchSep + " in it", "c": batchSep[:2], "d": batchSep[1:]}
	tricky := []string{
		"{{ $labels.a }}", "{{ $value }}", "{{ $value | humanizePercentage }}", `{{ $value | printf "%.0f" }}`,
		"{{ $x := 1 }}{{ $x }}", "{{ $x }}", "{{ $value = 5 }}{{ $value }}", "{{ $labels := .ExternalLabels }}{{ $labels.a }}",
		`a{{end}}{{define "p0"}}b`, `{{ "}}" }}`, "{{if true}}x", "{{ \"abc", "{{ 'a", "{{ x", "{{ $labels.a }", "a {",
		"{{/* c */}}x", "{{- $labels.a -}}  ", "  {{- $labels.a }}", "{{ .Foo }}", "{{ $labels.b }}", "<no value>",
		"{{ $labels.missing }}", "{{ query \"up\" }}", "{{ break }}", "{{ template \"p1\" . }}", "{{ `raw` }}",
		"{{ else }}", "{{ $labels.a }}\n{{ $value }}\n", "{{ index $labels \"a\" }}", "end of {{ $labels.a }}",
		"{{ $labels.c }}", "{{ $labels.d }}", batchSep[:2], batchSep[1:],
	}
	for _, a := range tricky {
		for _, b := range tricky {
			compareBatch(t, []string{"{{ $labels.a }}", a, b, "{{ $value }}"}, l)
		}
	}
}

func FuzzBatchIsExpand(f *testing.F) {
	f.Add("{{ $labels.a }}", "{{ $value }}", "x")
	f.Add(`a{{end}}{{define "p0"}}b`, "{{if true}}x", "y")
	f.Add("{{ \"abc", "{{ $x := 1 }}{{ $x }}", batchSep)
	f.Fuzz(func(t *testing.T, a, b, v string) {
		compareBatch(t, []string{"{{ $labels.a }}", a, b}, labelSet{"a": v})
	})
}
