// Package slo turns the spec's service level objectives into plans: the
// SLI as selectors of good, bad and total events, the error budget and the
// burn-rate thresholds as exact decimals, the windows every alert needs and
// the names of the recording rules. The rules, rule-test and dashboard
// generators and the checks all read the same Plan, so they cannot
// disagree on a window, a factor or a record name.
//
// Arithmetic is exact: the objective is the decimal the user wrote (99.9,
// not 99.900000000000006), the budget 1 - objective/100 and each factor
// budgetPercent/100 × window / long are rationals, printed as the shortest
// decimal (or float) that denotes them, so that 99.9 gives a budget of
// 0.001 and the SRE workbook's 14.4, 6, 3 and 1 come out as written.
package slo
