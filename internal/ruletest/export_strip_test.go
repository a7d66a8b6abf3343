package ruletest

// StripTemplates switches the running of alerting rules stripped of their
// templates on and off, for the tests that compare both.
var StripTemplates = &stripTemplates

// StripCounts returns (and resets) the number of test groups run on
// stripped rules and of those rerun on the original rules since the last
// call.
func StripCounts() (stripped, rerun int64) {
	return stripStats.stripped.Swap(0), stripStats.rerun.Swap(0)
}
