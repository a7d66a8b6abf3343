package promunit

// StripCounts returns (and resets) the number of test groups run on
// stripped rules and of those rerun on the original rules since the last
// call.
func StripCounts() (stripped, rerun int64) {
	return stripStats.stripped.Swap(0), stripStats.rerun.Swap(0)
}
