package checks

// logsChecks is the logs family.
func logsChecks() []Check {
	return nil
}
