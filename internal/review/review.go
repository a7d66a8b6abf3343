// Package review summarises the difference between two builds the way a
// reviewer reads a pull request: alerts added, removed or changed (with the
// changed threshold or `for` in one line), dashboards and scrape jobs
// changed, then the files.
package review

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/dashboards"
	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/generators/scrape"
)

// Change is one line of the summary.
type Change struct {
	Section string // "alerts", "dashboards", "scrape jobs", "files"
	Op      string // "+", "-", "~"
	Name    string
	Detail  string
}

func (c Change) String() string {
	s := c.Op + " " + c.Name
	if c.Detail != "" {
		s += ": " + c.Detail
	}
	return s
}

// Summarize compares two overlays given as path → content.
func Summarize(old, cur map[string][]byte) []Change {
	var out []Change
	out = append(out, alerts(old, cur)...)
	out = append(out, byFile("dashboards", dashboards.Dir, old, cur)...)
	out = append(out, scrapeJobs(old[scrape.Path], cur[scrape.Path])...)
	out = append(out, files(old, cur)...)
	return out
}

type rule struct {
	group string
	r     monitoringv1.Rule
}

func parseRules(m map[string][]byte) map[string]rule {
	out := map[string]rule{}
	for p, data := range m {
		if !strings.HasPrefix(p, rules.Dir) {
			continue
		}
		var pr monitoringv1.PrometheusRule
		if yaml.Unmarshal(data, &pr) != nil {
			continue
		}
		for _, g := range pr.Spec.Groups {
			for _, r := range g.Rules {
				name := r.Alert
				if name == "" {
					name = "record " + r.Record
				}
				out[g.Name+"/"+name] = rule{group: g.Name, r: r}
			}
		}
	}
	return out
}

func alerts(old, cur map[string][]byte) []Change {
	a, b := parseRules(old), parseRules(cur)
	var out []Change
	for _, k := range union(a, b) {
		ra, inA := a[k]
		rb, inB := b[k]
		name := strings.TrimPrefix(k, rb.group+"/")
		if !inB {
			name = strings.TrimPrefix(k, ra.group+"/")
		}
		label := fmt.Sprintf("%s (%s)", name, ra.group+rb.group)
		if inA && inB {
			label = fmt.Sprintf("%s (%s)", name, rb.group)
		}
		switch {
		case !inA:
			out = append(out, Change{"alerts", "+", label, "for " + dur(rb.r.For) + ", severity " + rb.r.Labels["severity"]})
		case !inB:
			out = append(out, Change{"alerts", "-", label, ""})
		default:
			var d []string
			if ea, eb := ra.r.Expr.String(), rb.r.Expr.String(); ea != eb {
				d = append(d, "expr "+Delta(ea, eb))
			}
			if fa, fb := dur(ra.r.For), dur(rb.r.For); fa != fb {
				d = append(d, "for "+fa+" → "+fb)
			}
			for _, l := range union(ra.r.Labels, rb.r.Labels) {
				if ra.r.Labels[l] != rb.r.Labels[l] {
					d = append(d, fmt.Sprintf("label %s %q → %q", l, ra.r.Labels[l], rb.r.Labels[l]))
				}
			}
			if !maps.Equal(ra.r.Annotations, rb.r.Annotations) {
				d = append(d, "annotations changed")
			}
			if len(d) > 0 {
				out = append(out, Change{"alerts", "~", label, strings.Join(d, "; ")})
			}
		}
	}
	return out
}

func dur(d *monitoringv1.Duration) string {
	if d == nil {
		return "0s"
	}
	return string(*d)
}

// Delta shows what changed between two strings in one line: the common
// beginning and end are elided.
func Delta(a, b string) string {
	a, b = strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " ")
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	const ctx = 12
	from, to := max(0, p-ctx), s
	if to > ctx {
		to = ctx
	}
	cut := func(x string) string {
		out := x[from : len(x)-s+to]
		if from > 0 {
			out = "…" + out
		}
		if s > to {
			out += "…"
		}
		return fmt.Sprintf("%q", out)
	}
	return cut(a) + " → " + cut(b)
}

func byFile(section, dir string, old, cur map[string][]byte) []Change {
	var out []Change
	for _, p := range union(old, cur) {
		if !strings.HasPrefix(p, dir) {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, dir), ".json")
		a, inA := old[p]
		b, inB := cur[p]
		switch {
		case !inA:
			out = append(out, Change{section, "+", name, ""})
		case !inB:
			out = append(out, Change{section, "-", name, ""})
		case string(a) != string(b):
			out = append(out, Change{section, "~", name, ""})
		}
	}
	return out
}

func scrapeJobs(old, cur []byte) []Change {
	parse := func(b []byte) map[string]string {
		var list []map[string]any
		_ = yaml.Unmarshal(b, &list)
		out := map[string]string{}
		for _, j := range list {
			d, _ := yaml.Marshal(j)
			out[fmt.Sprint(j["job_name"])] = string(d)
		}
		return out
	}
	a, b := parse(old), parse(cur)
	var out []Change
	for _, k := range union(a, b) {
		switch ja, inA := a[k]; {
		case !inA:
			out = append(out, Change{"scrape jobs", "+", k, ""})
		case b[k] == "":
			out = append(out, Change{"scrape jobs", "-", k, ""})
		case ja != b[k]:
			out = append(out, Change{"scrape jobs", "~", k, ""})
		}
	}
	return out
}

func files(old, cur map[string][]byte) []Change {
	var out []Change
	for _, p := range union(old, cur) {
		a, inA := old[p]
		b, inB := cur[p]
		switch {
		case !inA:
			out = append(out, Change{"files", "+", p, ""})
		case !inB:
			out = append(out, Change{"files", "-", p, ""})
		case string(a) != string(b):
			out = append(out, Change{"files", "~", p, ""})
		}
	}
	return out
}

func union[V any](a, b map[string]V) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
