package checks

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	"github.com/prometheus/prometheus/model/rulefmt"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// The reference implementations below are the checks as they were before
// they were made linear (each rule group marshalled and parsed on its own;
// every workload scanning every rule file). The equivalence tests compare
// them with the checks on a mutated synthetic spec.

// EscRules is spec/escaping's rule part.
func EscRules(in *Input) diag.List { return escRules(in) }

// RulesParseReference is rules/parse group by group.
func RulesParseReference(in *Input) diag.List {
	var out diag.List
	sources := ruleSources(in)
	for _, f := range in.Files {
		if !isRuleFile(&f) {
			continue
		}
		var pr monitoringv1.PrometheusRule
		if err := yaml.UnmarshalStrict(f.Data, &pr); err != nil {
			out.Append(at(in, f.Source, "rules/parse", f.Path, "generated PrometheusRule does not decode: %v", err))
			continue
		}
		for _, g := range pr.Spec.Groups {
			data, err := yaml.Marshal(map[string]any{"groups": []monitoringv1.RuleGroup{g}})
			if err != nil {
				out.Append(at(in, f.Source, "rules/parse", f.Path, "%v", err))
				continue
			}
			_, errs := rulefmt.Parse(data, false, model.UTF8Validation, PromQL, slog.New(slog.DiscardHandler))
			for _, err := range errs {
				src := f.Source
				if s, ok := sources[g.Name]; ok {
					src = s.group
					if i := ruleIndex(err); i >= 0 && i < len(s.rules) {
						src = s.rules[i]
					}
				}
				out.Append(at(in, src, "rules/parse", f.Path, "group %q: %v", g.Name, cleanRuleErr(err)))
			}
		}
	}
	return out
}

// EscRulesReference is escRules scanning every rule file for each
// workload's groups (found by the generator's attribution, as the index
// does, but without the index or the shared decode).
func EscRulesReference(in *Input) diag.List {
	var out diag.List
	for _, w := range in.Spec.Workloads {
		vs := valueSets{}
		workloadValues(vs, w)
		mine := map[[2]string]bool{}
		for _, o := range in.ruleObjects() {
			for _, g := range o.Groups {
				if g.Source == w.Path() {
					mine[[2]string{o.Path, g.Name}] = true
				}
			}
		}
		for i := range in.Files {
			f := &in.Files[i]
			if !strings.HasPrefix(f.Path, "config/prometheus-rules/") {
				continue
			}
			var pr struct {
				Spec struct {
					Groups []struct {
						Name  string `json:"name"`
						Rules []struct {
							Alert       string            `json:"alert"`
							Record      string            `json:"record"`
							Expr        any               `json:"expr"`
							Labels      map[string]string `json:"labels"`
							Annotations map[string]string `json:"annotations"`
						} `json:"rules"`
					} `json:"groups"`
				} `json:"spec"`
			}
			if yaml.Unmarshal(f.Data, &pr) != nil {
				continue
			}
			seen := map[string]bool{}
			for _, g := range pr.Spec.Groups {
				if !mine[[2]string{f.Path, g.Name}] || seen[g.Name] {
					continue
				}
				seen[g.Name] = true
				for _, r := range g.Rules {
					name := r.Alert + r.Record
					expr, _ := r.Expr.(string)
					out.Append(escSelectors(in, vs, expr, f.Path, w.Path(), "rule "+name)...)
					for l, want := range map[string]string{"namespace": w.Namespace, "workload": w.Name, "team": w.Team} {
						if got, ok := r.Labels[l]; ok && got != want {
							out.Append(at(in, w.Path(), escCheck, f.Path, "rule %s: label %s is %q, not the spec's %q", name, l, got, want))
						}
					}
					out.Append(escAnnotations(in, w, name, r.Labels, r.Annotations, f.Path)...)
				}
			}
		}
	}
	return out
}

// EscScrape is spec/escaping's scrape part.
func EscScrape(in *Input) diag.List { return escScrape(in) }

// EscScrapeReference is escScrape on the typed jobs' relabel rules read
// from their YAML, as Prometheus reads them (scrape.PrometheusRelabel).
func EscScrapeReference(in *Input) diag.List {
	// The relabel rules of each job read from their YAML
	// (scrape.PrometheusRelabel), not field by field.
	fresh := &Input{Spec: in.Spec, Files: in.Files}
	ts := in.scrapeJobs()
	if ts.jobs != nil {
		ts.relabel = make([][]*relabel.Config, len(ts.jobs.Configs))
		for i, c := range ts.jobs.Configs {
			ts.relabel[i], _ = scrape.PrometheusRelabel(c.RelabelConfigs)
		}
	}
	fresh.v().scrapeJobs.set(ts)
	return escScrape(fresh)
}

// RulesParseRulefmt is rules/parse with rulefmt.Parse itself as the
// parser (as it was before the shared validation of alerts' entries).
func RulesParseRulefmt(in *Input) diag.List {
	sources := ruleSources(in)
	var out diag.List
	for _, f := range ruleFilesOf(in) {
		if _, typed := f.Value.(*rules.Object); !typed {
			out.Append(at(in, f.Source, "rules/parse", f.Path, "generated PrometheusRule comes without its typed rules (artifact.File.Value): the rule checks cannot see it"))
		}
		out.Append(parseRuleFile(in, decodeRuleFile(f), sources, rulefmtParse)...)
	}
	return out
}

func rulefmtParse(data []byte) (*rulefmt.RuleGroups, []error) {
	return rulefmt.Parse(data, false, model.UTF8Validation, PromQL, slog.New(slog.DiscardHandler))
}

// AlloyPipelines returns the pipelines of in's typed Alloy config read
// with the regex cache and with every regex compiled on its own (as before
// the cache).
func AlloyPipelines(in *Input) (cached, each []*collectorPipeline, err error) {
	f := in.File(logs.AlloyConfigPath)
	if f == nil {
		return nil, nil, errors.New("no Alloy config")
	}
	c, ok := f.Value.(*logs.Collector)
	if !ok {
		return nil, nil, errUntypedCollector
	}
	return alloyPipelines(c, scrape.NewRegexps().Compile), alloyPipelines(c, relabel.NewRegexp), nil
}

// runRelabelReference is runRelabel as it was: the rules copied on every
// run, the result as a map.
func runRelabelReference(rules []*relabel.Config, target map[string]string) (map[string]string, bool) {
	cfgs := make([]*relabel.Config, 0, len(rules))
	for _, r := range rules {
		if r == nil {
			continue
		}
		c := *r
		if c.NameValidationScheme == model.UnsetValidation {
			c.NameValidationScheme = model.UTF8Validation
		}
		cfgs = append(cfgs, &c)
	}
	lb := labels.NewBuilder(labels.FromMap(target))
	if !relabel.ProcessBuilder(lb, cfgs...) {
		return nil, false
	}
	return lb.Labels().Map(), true
}

// RelabelRunsDiffer runs the relabel rules of every workload's scrape job
// and log pipeline on the targets escRelabel builds (its pods and its near
// misses) with runRelabel and runRelabelReference, and returns how many
// runs kept their target and the first difference.
func RelabelRunsDiffer(in *Input) (kept int, diff string) {
	ts := in.scrapeJobs()
	ci := in.collector()
	for _, w := range in.Spec.Workloads {
		var ruleSets [][]*relabel.Config
		for i := range ts.relabel {
			if ts.jobs.Configs[i].JobName == stack.ScrapeJobName(w) {
				ruleSets = append(ruleSets, ts.relabel[i])
				break
			}
		}
		if p := ci.pipelineOf(w); p != nil {
			ruleSets = append(ruleSets, p.relabel)
		}
		targets := []map[string]string{podTarget(w, w.Selector)}
		for _, k := range w.SelectorKeys() {
			for _, miss := range nearMisses(w.Selector[k]) {
				sel := maps.Clone(w.Selector)
				sel[k] = miss
				targets = append(targets, podTarget(w, sel))
			}
		}
		for _, rules := range ruleSets {
			cfgs := relabelRules(rules)
			for _, t := range targets {
				want, wantKept := runRelabelReference(rules, t)
				got, gotKept := runRelabel(cfgs, t)
				if gotKept != wantKept || (gotKept && !maps.Equal(got.Map(), want)) {
					return kept, fmt.Sprintf("%s: target %v: got %v (%v), want %v (%v)", w.Path(), t, got, gotKept, want, wantKept)
				}
				if gotKept {
					kept++
				}
			}
		}
	}
	return kept, ""
}

// RetypeRules makes the typed value of the PrometheusRule file f what its
// bytes say, keeping the spec path of each group and rule: a test that
// edits the bytes to play a generator bug thus shows the bug to the checks
// of the typed rules too, as the generator's own bug would. It is a no-op
// for other files.
func RetypeRules(f *artifact.File) error {
	old, ok := f.Value.(*rules.Object)
	if !ok || !isRuleFile(f) {
		return nil
	}
	var pr monitoringv1.PrometheusRule
	if err := yaml.Unmarshal(f.Data, &pr); err != nil {
		return err
	}
	o := &rules.Object{Path: old.Path, Rule: &pr}
	for i, g := range pr.Spec.Groups {
		ng := rules.Group{RuleGroup: g}
		if i < len(old.Groups) {
			ng.Source, ng.RuleSources = old.Groups[i].Source, old.Groups[i].RuleSources
		}
		o.Groups = append(o.Groups, ng)
	}
	f.Value = o
	return nil
}

// RecordReads makes in record the views its checks read; the returned
// function lists them, sorted.
func RecordReads(in *Input) func() []string {
	var mu sync.Mutex
	seen := map[string]bool{}
	in.read = func(id viewID) {
		mu.Lock()
		seen[id.String()] = true
		mu.Unlock()
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Sorted(maps.Keys(seen))
	}
}

// DeclaredReads are the views reads declares for check, sorted.
func DeclaredReads(check string) []string {
	var out []string
	for _, id := range reads[check] {
		out = append(out, id.String())
	}
	slices.Sort(out)
	return out
}

// set makes v the view's value, as if computed.
func (c *cell[T]) set(v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.val, c.done = v, true
}

// HeldViews are the views in holds a value of.
func HeldViews(in *Input) []string {
	var out []string
	for id, c := range in.v().cells() {
		if c.held() {
			out = append(out, viewID(id).String())
		}
	}
	return out
}

// RunAll is Run of the given checks.
var RunAll = runAll
