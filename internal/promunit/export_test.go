package promunit

// CloneExpr is cloneExpr, for its tests.
var CloneExpr = cloneExpr

// RangeCounts returns (and resets) the number of range queries run for,
// and taken from, the results shared between test groups since the last
// call.
func RangeCounts() (run, shared int64) {
	return rangeStats.run.Swap(0), rangeStats.shared.Swap(0)
}
