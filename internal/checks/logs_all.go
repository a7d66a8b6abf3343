package checks

// logsChecks is the logs family (logs/alloy-parse runs with the parsers).
func logsChecks() []Check {
	return []Check{logsPromtailDecode, logsPromtailConfig, logsFilterRegex, logsLogQLLabels, logsLogQLRegex}
}
