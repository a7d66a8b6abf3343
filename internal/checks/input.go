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

	// read, when set, is told of every view a check reads (the tests
	// of Check.Reads).
	read func(viewID)

	views views
}

// views are the typed views of an Input. Each is computed once, by the
// first check that asks for it (a caller reading it at the same time, as
// in parallel, waits for that result), so that the checks share one parse
// of each artifact. The views are read-only. A view may read other views,
// never itself.
//
// Run lets go of a view once every check that reads it has run (reads.go):
// the parsed Alloy config, the typed scrape jobs and the parsed alert
// templates are ~50-70 MB each at 5,000 workloads, and were held until the
// last check. A view read again after that is computed again (the same
// value; TestReadsDeclared keeps that from happening unnoticed).
type views struct {
	ruleObjects      cell[[]*rules.Object]
	groupsBySource   cell[map[string][]sourcedGroup]
	rules            cell[[]*ruleRef]
	alertTemplates   cell[[]*alertTemplate]
	metricCatalog    cell[*catalog.Catalog]
	queries          cell[[]*promQuery]
	presetMatchers   cell[map[string]bool]
	slos             cell[[]resolvedSLO]
	scrapeJobs       cell[typedScrape]
	dashboards       cell[[]*dashFile]
	values           cell[parsedValues]
	kustomizations   cell[[]*kustLayer]
	objects          cell[[]fileObject]
	alloy            cell[alloyParse]
	collector        cell[*collectorInfo]
	kustomizeBuild   cell[kustomizedResult]
	generatorEntries cell[[]*generatorEntry]
	generatorByPath  cell[map[string]generatorKey]
	listedResources  cell[map[string]bool]
	namespaceLabels  cell[map[string]map[string]string]
}

// viewID names a view, for Check.Reads.
type viewID int

const (
	viewRuleObjects viewID = iota
	viewGroupsBySource
	viewRules
	viewAlertTemplates
	viewMetricCatalog
	viewQueries
	viewPresetMatchers
	viewSlos
	viewScrapeJobs
	viewDashboards
	viewValues
	viewKustomizations
	viewObjects
	viewAlloy
	viewCollector
	viewKustomizeBuild
	viewGeneratorEntries
	viewGeneratorByPath
	viewListedResources
	viewNamespaceLabels
	numViews
)

// drop lets go of view id's value.
func (v *views) drop(id viewID) { v.cells()[id].drop() }

// cells are the views' cells, by viewID.
func (v *views) cells() [numViews]viewCell {
	return [numViews]viewCell{
		viewRuleObjects:      &v.ruleObjects,
		viewGroupsBySource:   &v.groupsBySource,
		viewRules:            &v.rules,
		viewAlertTemplates:   &v.alertTemplates,
		viewMetricCatalog:    &v.metricCatalog,
		viewQueries:          &v.queries,
		viewPresetMatchers:   &v.presetMatchers,
		viewSlos:             &v.slos,
		viewScrapeJobs:       &v.scrapeJobs,
		viewDashboards:       &v.dashboards,
		viewValues:           &v.values,
		viewKustomizations:   &v.kustomizations,
		viewObjects:          &v.objects,
		viewAlloy:            &v.alloy,
		viewCollector:        &v.collector,
		viewKustomizeBuild:   &v.kustomizeBuild,
		viewGeneratorEntries: &v.generatorEntries,
		viewGeneratorByPath:  &v.generatorByPath,
		viewListedResources:  &v.listedResources,
		viewNamespaceLabels:  &v.namespaceLabels,
	}
}

// viewCell is a cell of any type.
type viewCell interface {
	drop()
	held() bool
}

// v returns in's views (their zero value is empty: an Input literal works).
func (in *Input) v() *views { return &in.views }

// cell holds one view's value, computed on first use.
type cell[T any] struct {
	mu   sync.Mutex
	done bool
	val  T
}

// get returns the view, computing it with build(in) on first use (the
// other callers wait for it).
func get[T any](in *Input, id viewID, c *cell[T], build func(*Input) T) T {
	if in.read != nil {
		in.read(id)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done {
		c.val, c.done = build(in), true
	}
	return c.val
}

// held reports a value computed and not let go of.
func (c *cell[T]) held() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done
}

// drop lets go of the value; the next get computes it again.
func (c *cell[T]) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero T
	c.val, c.done = zero, false
}

// ruleObjects are the generator's typed PrometheusRules, with the spec path of each group and rule.
func (in *Input) ruleObjects() []*rules.Object {
	return get(in, viewRuleObjects, &in.v().ruleObjects, typedRuleObjects)
}

// groupsBySource maps the spec path of each generated group to the groups it produced.
func (in *Input) groupsBySource() map[string][]sourcedGroup {
	return get(in, viewGroupsBySource, &in.v().groupsBySource, indexGroupsBySource)
}

// rules is every generated rule, positioned, its PromQL parsed.
func (in *Input) rules() []*ruleRef { return get(in, viewRules, &in.v().rules, parseRules) }

// alertTemplates are the templates of every alert's labels and annotations, parsed.
func (in *Input) alertTemplates() []*alertTemplate {
	return get(in, viewAlertTemplates, &in.v().alertTemplates, parseAlertTemplates)
}

// metricCatalog holds the metrics and labels the spec's scrape targets expose.
func (in *Input) metricCatalog() *catalog.Catalog {
	return get(in, viewMetricCatalog, &in.v().metricCatalog, buildCatalog)
}

// queries are the rules' and the dashboards' PromQL, parsed.
func (in *Input) queries() []*promQuery { return get(in, viewQueries, &in.v().queries, parseQueries) }

// presetMatchers are the matchers the server presets put in selectors.
func (in *Input) presetMatchers() map[string]bool {
	return get(in, viewPresetMatchers, &in.v().presetMatchers, collectPresetMatchers)
}

// slos are the spec's SLOs, planned, in name order.
func (in *Input) slos() []resolvedSLO { return get(in, viewSlos, &in.v().slos, resolveSLOs) }

// scrapeJobs are the generator's typed scrape jobs, their relabel rules as Prometheus reads them.
func (in *Input) scrapeJobs() typedScrape {
	return get(in, viewScrapeJobs, &in.v().scrapeJobs, typedScrapeJobs)
}

// dashboards are the generator's typed dashboards, their panels attributed to the spec.
func (in *Input) dashboards() []*dashFile {
	return get(in, viewDashboards, &in.v().dashboards, typedDashboards)
}

// values are the generator's typed kube-prometheus-stack values.
func (in *Input) values() parsedValues { return get(in, viewValues, &in.v().values, decodeValues) }

// kustomizations are the generated kustomization.yaml files, outermost first.
func (in *Input) kustomizations() []*kustLayer {
	return get(in, viewKustomizations, &in.v().kustomizations, decodeKustomizations)
}

// objects are the Kubernetes objects of the overlay's resource files.
func (in *Input) objects() []fileObject { return get(in, viewObjects, &in.v().objects, decodeObjects) }

// alloy is the generated Alloy config parsed with Alloy's own parser.
func (in *Input) alloy() alloyParse { return get(in, viewAlloy, &in.v().alloy, parseAlloy) }

// collector is the log collector's config with its pipelines.
func (in *Input) collector() *collectorInfo {
	return get(in, viewCollector, &in.v().collector, parseCollector)
}

// kustomizeBuild is the overlay as kustomize builds it.
func (in *Input) kustomizeBuild() kustomizedResult {
	return get(in, viewKustomizeBuild, &in.v().kustomizeBuild, buildKustomized)
}

// generatorEntries are every ConfigMap and Secret generator entry.
func (in *Input) generatorEntries() []*generatorEntry {
	return get(in, viewGeneratorEntries, &in.v().generatorEntries, listGeneratorEntries)
}

// generatorByPath maps overlay paths to the generator entry that reads them.
func (in *Input) generatorByPath() map[string]generatorKey {
	return get(in, viewGeneratorByPath, &in.v().generatorByPath, indexGenerators)
}

// listedResources are the overlay paths some kustomization lists as resources.
func (in *Input) listedResources() map[string]bool {
	return get(in, viewListedResources, &in.v().listedResources, listResources)
}

// namespaceLabels maps each generated Namespace to its labels.
func (in *Input) namespaceLabels() map[string]map[string]string {
	return get(in, viewNamespaceLabels, &in.v().namespaceLabels, indexNamespaceLabels)
}

// File returns the generated file at path, or nil.
func (in *Input) File(path string) *artifact.File {
	for i := range in.Files {
		if in.Files[i].Path == path {
			return &in.Files[i]
		}
	}
	return nil
}
