package checks

// reads are the views each check reads, directly or through another view,
// by check name. Run lets go of a view once every check that reads it has
// run (views). TestReadsDeclared runs each check alone on the examples and
// on synthetic specs, sound and broken, and compares what it reads with
// this table.
var reads = map[string][]viewID{
	"rules/parse":                {viewRuleObjects, viewRules},
	"scrape/config":              {viewScrapeJobs},
	"logs/alloy-parse":           {viewAlloy},
	"overlay/kustomize":          {viewKustomizeBuild},
	"values/parse":               {},
	"dashboards/parse":           {viewDashboards},
	"rules/template":             {viewAlertTemplates, viewMetricCatalog, viewRuleObjects, viewRules, viewValues},
	"rules/template-labels":      {viewAlertTemplates, viewMetricCatalog, viewRuleObjects, viewRules, viewValues},
	"rules/duplicate":            {viewRuleObjects, viewRules},
	"rules/rate-window":          {viewRuleObjects, viewRules},
	"provenance/promql":          {viewDashboards, viewQueries, viewRuleObjects, viewRules},
	"provenance/metric":          {viewDashboards, viewMetricCatalog, viewQueries, viewRuleObjects, viewRules, viewValues},
	"provenance/label":           {viewDashboards, viewMetricCatalog, viewQueries, viewRuleObjects, viewRules, viewValues},
	"wiring/rule-selector":       {viewKustomizations, viewListedResources, viewNamespaceLabels, viewObjects, viewValues},
	"wiring/scrape-secret":       {viewGeneratorEntries, viewKustomizations, viewValues},
	"wiring/dashboard-sidecar":   {viewDashboards, viewGeneratorByPath, viewGeneratorEntries, viewKustomizations, viewValues},
	"wiring/datasource":          {viewDashboards, viewValues},
	"wiring/dashboard-variables": {viewDashboards},
	"wiring/values-from":         {viewKustomizations, viewKustomizeBuild},
	"wiring/secrets":             {viewKustomizeBuild, viewValues},
	"logs/promtail-decode":       {viewCollector},
	"logs/promtail-config":       {viewCollector},
	"logs/filter-regex":          {viewCollector},
	"logs/logql-labels":          {viewCollector, viewDashboards, viewValues},
	"logs/logql-regex":           {viewDashboards, viewValues},
	"alertmanager/config":        {viewValues},
	"spec/escaping":              {viewCollector, viewDashboards, viewGroupsBySource, viewPresetMatchers, viewRuleObjects, viewScrapeJobs, viewValues},
	"spec/training-controller":   {},
	"slo/sli":                    {viewSlos},
	"slo/bucket-boundary":        {viewSlos},
	"slo/window-retention":       {viewSlos},
	"slo/window-scrape":          {viewSlos},
	"slo/burn-threshold":         {viewSlos},
	"slo/provenance":             {viewMetricCatalog, viewSlos, viewValues},
	"slo/inhibition":             {viewRuleObjects, viewRules, viewSlos, viewValues},
}

// viewNames name the views in the tests' messages.
var viewNames = [numViews]string{
	viewRuleObjects:      "ruleObjects",
	viewGroupsBySource:   "groupsBySource",
	viewRules:            "rules",
	viewAlertTemplates:   "alertTemplates",
	viewMetricCatalog:    "metricCatalog",
	viewQueries:          "queries",
	viewPresetMatchers:   "presetMatchers",
	viewSlos:             "slos",
	viewScrapeJobs:       "scrapeJobs",
	viewDashboards:       "dashboards",
	viewValues:           "values",
	viewKustomizations:   "kustomizations",
	viewObjects:          "objects",
	viewAlloy:            "alloy",
	viewCollector:        "collector",
	viewKustomizeBuild:   "kustomizeBuild",
	viewGeneratorEntries: "generatorEntries",
	viewGeneratorByPath:  "generatorByPath",
	viewListedResources:  "listedResources",
	viewNamespaceLabels:  "namespaceLabels",
}

func (id viewID) String() string { return viewNames[id] }
