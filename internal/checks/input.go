package checks

import (
	"sync"

	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/checks/catalog"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// Input is what every check sees: the spec, the generated files, and the
// typed views of them that several checks share (the methods below).
type Input struct {
	Spec  *model.Spec
	Files []artifact.File
	// Passes, when set, remembers the files the per-file checks passed in
	// earlier builds (passes.go); nil checks everything.
	Passes Passes

	once  sync.Once
	views *views
}

// views are the typed views of an Input. Each is computed once, by the
// first check that asks for it (the others wait for that result:
// sync.OnceValue), so that the checks, which run concurrently, share one
// parse of each artifact. The views are read-only. A view may read other
// views, never itself.
type views struct {
	ruleObjects      func() []*rules.Object
	groupsBySource   func() map[string][]sourcedGroup
	rules            func() []*ruleRef
	alertTemplates   func() []*alertTemplate
	metricCatalog    func() *catalog.Catalog
	queries          func() []*promQuery
	presetMatchers   func() map[string]bool
	slos             func() []resolvedSLO
	scrapeJobs       func() typedScrape
	dashboards       func() []*dashFile
	values           func() parsedValues
	kustomizations   func() []*kustLayer
	objects          func() []fileObject
	alloy            func() alloyParse
	collector        func() *collectorInfo
	kustomizeBuild   func() kustomizedResult
	generatorEntries func() []*generatorEntry
	generatorByPath  func() map[string]generatorKey
	listedResources  func() map[string]bool
	namespaceLabels  func() map[string]map[string]string
}

// v returns in's views, made on first use (so that an Input literal works).
func (in *Input) v() *views {
	in.once.Do(func() {
		in.views = &views{
			ruleObjects:      view(in, typedRuleObjects),
			groupsBySource:   view(in, indexGroupsBySource),
			rules:            view(in, parseRules),
			alertTemplates:   view(in, parseAlertTemplates),
			metricCatalog:    view(in, buildCatalog),
			queries:          view(in, parseQueries),
			presetMatchers:   view(in, collectPresetMatchers),
			slos:             view(in, resolveSLOs),
			scrapeJobs:       view(in, typedScrapeJobs),
			dashboards:       view(in, typedDashboards),
			values:           view(in, decodeValues),
			kustomizations:   view(in, decodeKustomizations),
			objects:          view(in, decodeObjects),
			alloy:            view(in, parseAlloy),
			collector:        view(in, parseCollector),
			kustomizeBuild:   view(in, buildKustomized),
			generatorEntries: view(in, listGeneratorEntries),
			generatorByPath:  view(in, indexGenerators),
			listedResources:  view(in, listResources),
			namespaceLabels:  view(in, indexNamespaceLabels),
		}
	})
	return in.views
}

// view is build(in), computed once on first use.
func view[T any](in *Input, build func(*Input) T) func() T {
	return sync.OnceValue(func() T { return build(in) })
}

// ruleObjects are the generator's typed PrometheusRules, with the spec path of each group and rule.
func (in *Input) ruleObjects() []*rules.Object { return in.v().ruleObjects() }

// groupsBySource maps the spec path of each generated group to the groups it produced.
func (in *Input) groupsBySource() map[string][]sourcedGroup { return in.v().groupsBySource() }

// rules is every generated rule, positioned, its PromQL parsed.
func (in *Input) rules() []*ruleRef { return in.v().rules() }

// alertTemplates are the templates of every alert's labels and annotations, parsed.
func (in *Input) alertTemplates() []*alertTemplate { return in.v().alertTemplates() }

// metricCatalog holds the metrics and labels the spec's scrape targets expose.
func (in *Input) metricCatalog() *catalog.Catalog { return in.v().metricCatalog() }

// queries are the rules' and the dashboards' PromQL, parsed.
func (in *Input) queries() []*promQuery { return in.v().queries() }

// presetMatchers are the matchers the server presets put in selectors.
func (in *Input) presetMatchers() map[string]bool { return in.v().presetMatchers() }

// slos are the spec's SLOs, planned, in name order.
func (in *Input) slos() []resolvedSLO { return in.v().slos() }

// scrapeJobs are the generator's typed scrape jobs, their relabel rules as Prometheus reads them.
func (in *Input) scrapeJobs() typedScrape { return in.v().scrapeJobs() }

// dashboards are the generator's typed dashboards, their panels attributed to the spec.
func (in *Input) dashboards() []*dashFile { return in.v().dashboards() }

// values are the generator's typed kube-prometheus-stack values.
func (in *Input) values() parsedValues { return in.v().values() }

// kustomizations are the generated kustomization.yaml files, outermost first.
func (in *Input) kustomizations() []*kustLayer { return in.v().kustomizations() }

// objects are the Kubernetes objects of the overlay's resource files.
func (in *Input) objects() []fileObject { return in.v().objects() }

// alloy is the generated Alloy config parsed with Alloy's own parser.
func (in *Input) alloy() alloyParse { return in.v().alloy() }

// collector is the log collector's config with its pipelines.
func (in *Input) collector() *collectorInfo { return in.v().collector() }

// kustomizeBuild is the overlay as kustomize builds it.
func (in *Input) kustomizeBuild() kustomizedResult { return in.v().kustomizeBuild() }

// generatorEntries are every ConfigMap and Secret generator entry.
func (in *Input) generatorEntries() []*generatorEntry { return in.v().generatorEntries() }

// generatorByPath maps overlay paths to the generator entry that reads them.
func (in *Input) generatorByPath() map[string]generatorKey { return in.v().generatorByPath() }

// listedResources are the overlay paths some kustomization lists as resources.
func (in *Input) listedResources() map[string]bool { return in.v().listedResources() }

// namespaceLabels maps each generated Namespace to its labels.
func (in *Input) namespaceLabels() map[string]map[string]string { return in.v().namespaceLabels() }

// File returns the generated file at path, or nil.
func (in *Input) File(path string) *artifact.File {
	for i := range in.Files {
		if in.Files[i].Path == path {
			return &in.Files[i]
		}
	}
	return nil
}
