package checks

// wiringChecks is the wiring family: the generated artifacts agree with each
// other (rules and the rule selector, the scrape Secret, dashboards and the
// Grafana sidecar and datasources).
func wiringChecks() []Check {
	return []Check{wiringRuleSelector, wiringScrapeSecret, wiringDashboardSidecar, wiringDatasource, wiringDashboardVariables,
		wiringValuesFrom, wiringSecrets}
}
