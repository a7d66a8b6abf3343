package checks

// specChecks is the spec family.
func specChecks() []Check {
	return nil
}
