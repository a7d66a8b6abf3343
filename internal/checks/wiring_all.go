package checks

// wiringChecks is the wiring family.
func wiringChecks() []Check {
	return nil
}
