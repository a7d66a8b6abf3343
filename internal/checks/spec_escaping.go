package checks

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	amparse "github.com/prometheus/alertmanager/matcher/parse"
	amlabels "github.com/prometheus/alertmanager/pkg/labels"
	amtemplate "github.com/prometheus/alertmanager/template"
	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// spec/escaping proves, on the generated artifacts, that every spec value that
// reaches a regex, a PromQL/LogQL matcher, a relabel replacement, an
// Alertmanager matcher or a Go template arrives as exactly that value:
//   - relabel rules (scrape and log collector) are run on a synthetic pod of
//     each workload: it must be kept, get the spec's values as labels, and a
//     pod whose selector value differs only by a regex metacharacter must not;
//   - PromQL/LogQL selectors of the generated rules and dashboards must match
//     the spec's values, and nothing a missing escape would also match;
//   - Alertmanager route matchers parse back (with both of Alertmanager's
//     parsers) to the spec's match values;
//   - annotations carrying a spec URL expand to that URL.

const escCheck = "spec/escaping"

var specEscaping = Check{
	Name: escCheck,
	Doc: "Spec values with regex, quote or template metacharacters arrive intact wherever they reach a relabel regex or replacement, a PromQL/LogQL " +
		"matcher, an Alertmanager matcher or an alert annotation: checked by running the generated relabel rules on synthetic pods, matching the " +
		"generated selectors against the spec's values (and near misses), and parsing and expanding the generated text.",
	Run: func(in *Input) (out diag.List) {
		out.Append(escScrape(in)...)
		out.Append(escLogs(in)...)
		out.Append(escRules(in)...)
		out.Append(escDashboards(in)...)
		out.Append(escRoutes(in)...)
		out.Append(escReceivers(in)...)
		return out
	},
}

// regexMeta are the characters RE2 gives a meaning.
const regexMeta = `\.+*?()|[]{}^$`

// nearMisses are values that a selector built from v without escaping
// would also match: each metacharacter replaced or removed, each side of a
// '|', and v with a suffix.
func nearMisses(v string) []string {
	var out []string
	for i := 0; i < len(v); i++ {
		if !strings.ContainsRune(regexMeta, rune(v[i])) {
			continue
		}
		out = append(out, v[:i]+"x"+v[i+1:], v[:i]+v[i+1:])
		if v[i] == '|' {
			out = append(out, v[:i], v[i+1:])
		}
	}
	// A selector that matches more than the value (".*" appended).
	return append(out, v+"x")
}

// podTarget is the discovery label set of a running pod of w.
func podTarget(w *model.Workload, selector map[string]string) map[string]string {
	const meta = "__meta_kubernetes_pod_"
	portName, portNumber := stack.PortMeta(w.Metrics.Port)
	t := map[string]string{
		"__address__":                  "10.0.0.1:8080",
		"__meta_kubernetes_namespace":  w.Namespace,
		meta + "name":                  "pod-0",
		meta + "uid":                   "0000-uid",
		meta + "node_name":             "node-0",
		meta + "phase":                 "Running",
		meta + "ready":                 "true",
		meta + "container_name":        "app",
		meta + "container_port_name":   portName,
		meta + "container_port_number": portNumber,
	}
	for k, v := range selector {
		n := stack.PromLabelName(k)
		t[meta+"label_"+n] = v
		t[meta+"labelpresent_"+n] = "true"
	}
	return t
}

// relabelRules copies rules (the shared parsed ones are not changed) with
// the name validation a relabel needs set, for runRelabel.
func relabelRules(rules []*relabel.Config) []*relabel.Config {
	cfgs := make([]*relabel.Config, 0, len(rules))
	for _, r := range rules {
		if r == nil {
			continue
		}
		c := *r
		if c.NameValidationScheme == prommodel.UnsetValidation {
			c.NameValidationScheme = prommodel.UTF8Validation
		}
		cfgs = append(cfgs, &c)
	}
	return cfgs
}

// runRelabel applies the rules of relabelRules to a target. The rules are
// prepared once per workload and run on several targets (relabelling only
// reads them).
func runRelabel(cfgs []*relabel.Config, target map[string]string) (labels.Labels, bool) {
	lb := labels.NewBuilder(labels.FromMap(target))
	if !relabel.ProcessBuilder(lb, cfgs...) {
		return labels.EmptyLabels(), false
	}
	return lb.Labels(), true
}

// escRelabel runs one workload's relabel rules on its synthetic pods.
func escRelabel(in *Input, w *model.Workload, rules []*relabel.Config, file, what string, want map[string]string, wantSources map[string]string) diag.List {
	var out diag.List
	rules = relabelRules(rules)
	got, kept := runRelabel(rules, podTarget(w, w.Selector))
	if !kept {
		out.Append(at(in, w.Path("selector"), escCheck, file,
			"%s: the generated %s relabel rules drop the workload's own pods (namespace %q, selector %v)", w.Path(), what, w.Namespace, w.Selector))
		return out
	}
	for _, l := range slices.Sorted(maps.Keys(want)) {
		if got.Get(l) != want[l] {
			out.Append(at(in, wantSources[l], escCheck, file,
				"%s: the generated %s relabel rules set label %s to %q, not the spec's %q", wantSources[l], what, l, got.Get(l), want[l]))
		}
	}
	for _, k := range w.SelectorKeys() {
		v := w.Selector[k]
		for _, miss := range nearMisses(v) {
			sel := maps.Clone(w.Selector)
			sel[k] = miss
			if _, kept := runRelabel(rules, podTarget(w, sel)); kept {
				p := w.Path("selector", k)
				out.Append(at(in, p, escCheck, file,
					"%s: the generated %s relabel rules also keep pods labelled %s=%q: the value %q is not regex-escaped", p, what, k, miss, v))
				break
			}
		}
	}
	return out
}

func escScrape(in *Input) diag.List {
	ts := in.scrapeJobs()
	if ts.jobs == nil {
		return nil // scrape/config reports a file without its typed jobs
	}
	// The first job of each name (as a linear search would find it).
	jobs := ts.jobs.Configs
	byName := make(map[string]int, len(jobs))
	for i := len(jobs) - 1; i >= 0; i-- {
		byName[jobs[i].JobName] = i
	}
	var out diag.List
	for _, w := range in.Spec.Workloads {
		i, ok := byName[stack.ScrapeJobName(w)]
		if !ok || ts.relabel[i] == nil {
			continue // scrape/config reports rules Prometheus refuses
		}
		want := map[string]string{stack.LabelNamespace: w.Namespace, stack.LabelWorkload: w.Name}
		sources := map[string]string{stack.LabelNamespace: w.Path("namespace"), stack.LabelWorkload: w.Path()}
		for _, k := range w.SelectorKeys() {
			want[stack.PromLabelName(k)] = w.Selector[k]
			sources[stack.PromLabelName(k)] = w.Path("selector", k)
		}
		out.Append(escRelabel(in, w, ts.relabel[i], ts.file.Path, "scrape", want, sources)...)
	}
	return out
}

func escLogs(in *Input) diag.List {
	ci := in.collector()
	if ci.file == nil || ci.err != nil {
		return nil
	}
	var out diag.List
	for _, w := range in.Spec.Workloads {
		p := ci.pipelineOf(w)
		if p == nil || p.partial {
			continue
		}
		want := map[string]string{stack.LabelNamespace: w.Namespace, stack.LabelWorkload: w.Name}
		sources := map[string]string{stack.LabelNamespace: w.Path("namespace"), stack.LabelWorkload: w.Path()}
		for k, v := range in.Spec.Logs.ExtraLabels {
			if _, fixed := want[k]; !fixed && k != stack.LabelPod && k != stack.LabelContainer {
				want[k] = v
				sources[k] = load.PathString("logs", "extraLabels", k)
			}
		}
		out.Append(escRelabel(in, w, p.relabel, ci.file.Path, "log collector", want, sources)...)
		// The keep filter's LogQL selector names the workload.
		for _, s := range p.stages {
			if s.name != "match" {
				continue
			}
			ms, err := parseLogQLSelector(s.selector)
			if err != nil {
				continue // logs/promtail-config reports it (Promtail)
			}
			for _, m := range ms {
				if m.Name == stack.LabelWorkload && !m.Matches(w.Name) {
					out.Append(at(in, w.Path("logs", "keep"), escCheck, ci.file.Path,
						"%s: the keep stage's selector %s does not select workload %q", w.Path("logs", "keep"), s.selector, w.Name))
				}
			}
		}
	}
	return out
}

// valueSets maps a label to the spec values a generated selector on it
// must match exactly, and the spec path of each value.
type valueSets map[string]map[string]string

func (vs valueSets) add(label, value, source string) {
	if vs[label] == nil {
		vs[label] = map[string]string{}
	}
	if _, ok := vs[label][value]; !ok {
		vs[label][value] = source
	}
}

func workloadValues(vs valueSets, w *model.Workload) {
	vs.add(stack.LabelNamespace, w.Namespace, w.Path("namespace"))
	vs.add(stack.LabelWorkload, w.Name, w.Path())
	for _, k := range w.SelectorKeys() {
		vs.add(stack.KSMLabel(k), w.Selector[k], w.Path("selector", k))
		vs.add(stack.PromLabelName(k), w.Selector[k], w.Path("selector", k))
	}
	if inf := w.Inference; inf != nil {
		modelLabel, custom := inf.ModelLabel, true
		if p := inf.Preset; p != nil {
			modelLabel, custom = p.ModelLabel, p.Custom()
		}
		for i, m := range inf.Models {
			vs.add(modelLabel, m, w.Path("inference", "models", fmt.Sprint(i)))
		}
		if custom {
			vs.add(inf.StatusLabel, inf.ErrorStatus, w.Path("inference", "errorStatus"))
		}
	}
}

// escSelectors checks the selectors of one query against the value sets.
func escSelectors(in *Input, vs valueSets, query, file, fallback, where string) diag.List {
	var out diag.List
	sels, err := logqlStreamSelectors(query)
	if err != nil {
		return nil
	}
	for _, sel := range sels {
		ms, err := PromQL.ParseMetricSelector(substituteGrafanaVars(sel))
		if err != nil {
			continue // the rule and dashboard checks report syntax
		}
		exempt := in.presetMatchers()
		for _, m := range ms {
			values := vs[m.Name]
			if len(values) == 0 || strings.Contains(m.Value, grafanaPlaceholder) || exempt[m.String()] {
				continue
			}
			switch m.Type {
			case labels.MatchEqual:
				if _, ok := values[m.Value]; !ok {
					src := fallback
					if len(values) == 1 {
						for _, s := range values {
							src = s
						}
					}
					out.Append(at(in, src, escCheck, file,
						"%s: matcher %s compares %s with %q, which is none of the spec's values %s", where, m, m.Name, m.Value, escQuoteAll(values)))
				}
			case labels.MatchRegexp:
				matched := false
				for v := range values {
					matched = matched || m.Matches(v)
				}
				if !matched {
					out.Append(at(in, fallback, escCheck, file,
						"%s: matcher %s matches none of the spec's values %s", where, m, escQuoteAll(values)))
					continue
				}
			miss:
				for _, v := range slices.Sorted(maps.Keys(values)) {
					if !m.Matches(v) {
						continue
					}
					for _, n := range nearMisses(v) {
						if _, isValue := values[n]; !isValue && m.Matches(n) {
							out.Append(at(in, values[v], escCheck, file,
								"%s: matcher %s also matches %q: the spec's value %q is not regex-escaped", where, m, n, v))
							break miss
						}
					}
				}
			}
		}
	}
	return out
}

func escQuoteAll(values map[string]string) string {
	keys := slices.Sorted(maps.Keys(values))
	for i, k := range keys {
		keys[i] = fmt.Sprintf("%q", k)
	}
	return "[" + strings.Join(keys, ", ") + "]"
}

// escRules checks the rules of each workload's groups, found through the
// generator's attribution of groups to spec paths (a workload's groups are
// bundled with others in a PrometheusRule, see generators/rules), on the
// generator's typed rules.
func escRules(in *Input) diag.List {
	var out diag.List
	bySource := in.groupsBySource()
	for _, w := range in.Spec.Workloads {
		wpath := w.Path()
		vs := valueSets{}
		workloadValues(vs, w)
		for _, ref := range bySource[wpath] {
			for _, r := range ref.group.Rules {
				name := r.Alert + r.Record
				if r.Expr.Type == intstr.String {
					out.Append(escSelectors(in, vs, r.Expr.StrVal, ref.file, wpath, fmt.Sprintf("rule %s", name))...)
				}
				for l, want := range map[string]string{stack.LabelNamespace: w.Namespace, stack.LabelWorkload: w.Name, "team": w.Team} {
					if got, ok := r.Labels[l]; ok && got != want {
						out.Append(at(in, wpath, escCheck, ref.file, "rule %s: label %s is %q, not the spec's %q", name, l, got, want))
					}
				}
				out.Append(escAnnotations(in, w, name, r.Labels, r.Annotations, ref.file)...)
			}
		}
	}
	return out
}

// escAnnotations expands the annotations that carry a spec URL the way
// Prometheus does and compares them with the spec.
func escAnnotations(in *Input, w *model.Workload, alert string, lbls, anns map[string]string, file string) diag.List {
	var out diag.List
	expand := func(text string) (string, error) {
		if plainValue(text) {
			// No action: Prometheus expands it to itself (see
			// plainValue; TestPlainValuesExpand). Most runbook and
			// dashboard URLs are so, and each expansion costs a
			// template with Prometheus's whole function map.
			return text, nil
		}
		return expandAlertText(alert, lbls, text)
	}
	// runbookURL is an alert template of the user's ({{ $labels.pod }}
	// in it is meant): it is passed as written, and rules/template and
	// rules/template-labels check that it expands.
	if u, ok := anns["runbook_url"]; ok && w.RunbookURL != "" && u != w.RunbookURL {
		out.Append(at(in, w.Path("runbookURL"), escCheck, file,
			"alert %s: annotation runbook_url is %q, not the spec's %q", alert, u, w.RunbookURL))
	}
	// Any other annotation that carries a spec value with "{{" as raw text
	// must still show it after expansion.
	type specText struct{ v, source string }
	var texts []specText
	if inf := w.Inference; inf != nil && (inf.Preset == nil || inf.Preset.Custom()) {
		texts = append(texts, specText{inf.ErrorStatus, w.Path("inference", "errorStatus")})
	}
	texts = append(texts, specText{in.Spec.Stack.Grafana.URL, "stack.grafana.url"})
	for _, k := range slices.Sorted(maps.Keys(anns)) {
		if k == "runbook_url" || k == "dashboard" {
			continue // compared exactly
		}
		for _, st := range texts {
			frag := templateFragment(st.v)
			if frag == "" || !strings.Contains(anns[k], frag) {
				continue
			}
			if got, err := expand(anns[k]); err != nil || !strings.Contains(got, frag) {
				out.Append(at(in, st.source, escCheck, file,
					"alert %s: annotation %s carries the spec's %q as template text, and Prometheus expands it to %s: \"{{\" must be escaped ({{ \"{{\" }})",
					alert, k, st.v, escExpanded(got, err)))
			}
		}
	}
	if u, ok := anns["dashboard"]; ok && in.Spec.Stack.Grafana.URL != "" {
		if got, err := expand(u); err != nil || !strings.HasPrefix(got, in.Spec.Stack.Grafana.URL+"/") {
			out.Append(at(in, "stack.grafana.url", escCheck, file,
				"alert %s: annotation dashboard expands to %s, which does not start with the spec's Grafana URL %q: the URL is not escaped for Prometheus's templates",
				alert, escExpanded(got, err), in.Spec.Stack.Grafana.URL))
		}
	}
	return out
}

// expandAlertText expands text as Prometheus expands an annotation of
// alert with labels lbls (and value 1).
func expandAlertText(alert string, lbls map[string]string, text string) (string, error) {
	data := template.AlertTemplateData(lbls, nil, "", promql.Sample{F: 1})
	e := template.NewTemplateExpander(context.Background(), templateDefs+text, "__alert_"+alert, data, 0, nil, nil, nil)
	return e.Expand()
}

// templateFragment returns the first "{{...}}" of v (to the end of v when
// unclosed), or "".
func templateFragment(v string) string {
	i := strings.Index(v, "{{")
	if i < 0 {
		return ""
	}
	if j := strings.Index(v[i+2:], "}}"); j >= 0 {
		return v[i : i+2+j+2]
	}
	return v[i:]
}

func escExpanded(s string, err error) string {
	if err != nil {
		return "an error (" + err.Error() + ")"
	}
	return fmt.Sprintf("%q", s)
}

func escDashboards(in *Input) diag.List {
	vs := valueSets{}
	for _, w := range in.Spec.Workloads {
		workloadValues(vs, w)
	}
	var out diag.List
	for _, df := range in.dashboards() {
		if df.err != nil {
			continue
		}
		for _, p := range df.panels {
			if p.extra {
				continue // the user's own queries
			}
			for _, t := range p.Targets {
				for _, q := range t.queries() {
					// Unless a value names its own place, at the
					// (first) workload the panel shows.
					out.Append(escSelectors(in, vs, q, df.file.Path, p.source, fmt.Sprintf("panel %q", p.Title))...)
				}
			}
		}
		for _, v := range df.d.Templating.List {
			out.Append(escSelectors(in, vs, v.query(), df.file.Path, df.file.Source, fmt.Sprintf("variable %q", v.Name))...)
		}
	}
	return out
}

// escRoutes parses the generated route matchers back with Alertmanager's
// UTF-8 and classic parsers and compares them with the spec's match.
func escRoutes(in *Input) diag.List {
	pv := in.values()
	if pv.file == nil || pv.err != nil {
		return nil
	}
	children := amList(amMap(pv.v.Alertmanager.Config["route"])["routes"])
	offset := len(children) - len(in.Spec.Alerting.Routes)
	if offset < 0 {
		return nil
	}
	var out diag.List
	for i, sr := range in.Spec.Alerting.Routes {
		r := amMap(children[offset+i])
		var texts []string
		for _, m := range amList(r["matchers"]) {
			if s, ok := m.(string); ok {
				texts = append(texts, s)
			}
		}
		base := load.PathString("alerting", "routes", fmt.Sprint(i), "match")
		for parser, parse := range map[string]func(string) ([]*amlabels.Matcher, error){
			"UTF-8":   func(s string) ([]*amlabels.Matcher, error) { return amparse.Matchers(s) },
			"classic": amlabels.ParseMatchers,
		} {
			got := map[string]string{}
			for _, t := range texts {
				ms, err := parse(t)
				if err != nil {
					out.Append(at(in, base, escCheck, pv.file.Path, "route matcher %s does not parse with Alertmanager's %s parser: %v", t, parser, err))
					continue
				}
				for _, m := range ms {
					if m.Type != amlabels.MatchEqual {
						out.Append(at(in, base, escCheck, pv.file.Path, "route matcher %s is not an equality matcher", t))
					}
					got[m.Name] = m.Value
				}
			}
			for _, k := range slices.Sorted(maps.Keys(sr.Match)) {
				if g, ok := got[k]; !ok || g != sr.Match[k] {
					p := load.PathString("alerting", "routes", fmt.Sprint(i), "match", k)
					out.Append(at(in, p, escCheck, pv.file.Path,
						"%s: the generated route matcher reads back (%s parser) as %s=%q, not the spec's %q", p, parser, k, g, sr.Match[k]))
				}
			}
			if len(got) != len(sr.Match) {
				out.Append(at(in, base, escCheck, pv.file.Path, "%s: the generated route has %d matchers, the spec %d", base, len(got), len(sr.Match)))
			}
		}
	}
	return out
}

// escReceivers checks the receiver fields Alertmanager expands as templates
// (Slack channel, email to and from): a spec value must come out unchanged.
func escReceivers(in *Input) diag.List {
	pv := in.values()
	if pv.file == nil || pv.err != nil {
		return nil
	}
	generated := map[string]map[string]any{}
	for _, r := range amList(pv.v.Alertmanager.Config["receivers"]) {
		rm := amMap(r)
		name, _ := rm["name"].(string)
		generated[name] = rm
	}
	tmpl, err := amtemplate.New()
	if err != nil {
		return nil
	}
	var out diag.List
	for _, r := range in.Spec.Alerting.Receivers {
		type field struct{ list, key, spec, source string }
		var fields []field
		base := load.PathString("alerting", "receivers", r.Name)
		if r.Slack != nil {
			fields = append(fields, field{"slack_configs", "channel", r.Slack.Channel, base + ".slack.channel"})
		}
		if r.Email != nil {
			fields = append(fields, field{"email_configs", "to", r.Email.To, base + ".email.to"},
				field{"email_configs", "from", r.Email.From, base + ".email.from"})
		}
		for _, f := range fields {
			cfgs := amList(generated[r.Name][f.list])
			if len(cfgs) == 0 {
				continue // alertmanager/config reports it
			}
			raw, _ := amMap(cfgs[0])[f.key].(string)
			got, err := tmpl.ExecuteTextString(raw, amtemplate.Data{})
			if err != nil || got != f.spec {
				out.Append(at(in, f.source, escCheck, pv.file.Path,
					"%s: Alertmanager expands %s as a template: the generated %q gives %s, not the spec's %q", f.source, f.key, raw, escExpanded(got, err), f.spec))
			}
		}
	}
	return out
}

// collectPresetMatchers are the matchers the server presets of the spec's
// workloads put in selectors (status="5xx", status_code=~"5.."): values
// of the servers, not of the spec, which escaping cannot concern.
func collectPresetMatchers(in *Input) map[string]bool {
	out := map[string]bool{}
	for _, w := range in.Spec.Workloads {
		if w.Inference == nil || w.Inference.Preset == nil || w.Inference.Preset.Custom() {
			continue
		}
		for _, m := range w.Inference.Preset.Matchers() {
			if lm, err := labels.NewMatcher(matchType(m.Op), m.Label, m.Value); err == nil {
				out[lm.String()] = true
			}
		}
	}
	return out
}

func matchType(op string) labels.MatchType {
	switch op {
	case "!=":
		return labels.MatchNotEqual
	case "=~":
		return labels.MatchRegexp
	case "!~":
		return labels.MatchNotRegexp
	}
	return labels.MatchEqual
}
