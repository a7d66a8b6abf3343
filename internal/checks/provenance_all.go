package checks

// provenanceChecks is the provenance family: every metric and label a rule
// or a dashboard query reads exists, as the metric catalog
// (internal/checks/catalog) of the spec knows it.
func provenanceChecks() []Check {
	return []Check{provenancePromQL, provenanceMetric, provenanceLabel}
}
