package checks

// alertmanagerChecks is the alertmanager family.
func alertmanagerChecks() []Check {
	return []Check{alertmanagerConfigCheck}
}
