package checks

// rulesChecks is the rules family (rules/parse runs first, with the other
// loaders).
func rulesChecks() []Check {
	return []Check{rulesTemplate, rulesTemplateLabels, rulesDuplicate, rulesRateWindow}
}
