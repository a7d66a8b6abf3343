package checks

// rulesChecks is the rules family.
func rulesChecks() []Check {
	return nil
}
