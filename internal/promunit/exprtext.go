package promunit

import (
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"
)

// textExpr is a rule expression that prints the text it was computed to
// once. The rules package prints a rule's expression at every evaluation
// (AlertingRule.Eval and RecordingRule.Eval query with
// r.vector.String(), sendAlerts notifies with it, Group.Eval's
// NewRuleDetail puts it in the origin context): re-printing the same AST,
// which is never modified (see parsedExpr), gives the same text each time.
//
// parser.Walk, and everything built on it (Inspect, ChildrenIter, Tree,
// ExtractSelectors, the engine's PreprocessExpr), panics on a node type it
// does not know, which a textExpr is: this package walks expressions only
// through inspect, which unwraps it (TestOneWalker holds every walk to
// it), and the rule managers of a test group record no rule dependencies
// (noDependencies), the only walk of rule expressions in Prometheus's
// rules package. The engine never sees a textExpr: it parses the query
// text for itself.
type textExpr struct {
	parser.Expr
	text string
}

func (e *textExpr) String() string { return e.text }

// withText wraps expr (Options.ExprText).
func withText(expr parser.Expr) parser.Expr {
	if expr == nil {
		return expr
	}
	return &textExpr{Expr: expr, text: expr.String()}
}

// bare returns the parsed expression under a textExpr.
func bare(e parser.Expr) parser.Expr {
	if t, ok := e.(*textExpr); ok {
		return t.Expr
	}
	return e
}

// inspect is parser.Inspect of the bare expression: the package's only
// walk of an expression.
func inspect(e parser.Expr, f func(parser.Node, []parser.Node) error) {
	parser.Inspect(bare(e), f)
}

// dependencies is the RuleDependencyController of the rule managers:
// Prometheus's own while rules hold their parsed expressions, none when
// they hold textExprs.
func dependencies(exprText bool) rules.RuleDependencyController {
	if exprText {
		return noDependencies{}
	}
	return nil // NewManager sets Prometheus's
}

// noDependencies records no dependency between rules. Prometheus's
// controller (v0.316.0 rules/manager.go, ruleDependencyController:
// buildDependencyMap) would walk every rule's Query() with parser.Inspect,
// and panic on a textExpr. What it records (SetDependentRules,
// SetDependencyRules) is read back only through NoDependentRules,
// NoDependencyRules and DependentRules/DependencyRules, by:
//   - the concurrent rule evaluation controller (SplitGroupIntoBatches),
//     used only with ManagerOptions.ConcurrentEvalsEnabled, which the
//     runner leaves off (as promtool does): NewManager then sets the
//     sequential controller, whose empty batches make Group.Eval evaluate
//     the rules one after the other, in order;
//   - NewRuleDetail, into the origin context of every rule query: the
//     QueryFuncs here read its Kind, Name, Query and Labels, never the
//     NoDependentRules/NoDependencyRules fields.
//
// Left unset, those report "unknown" (false), which changes nothing above.
type noDependencies struct{}

func (noDependencies) AnalyseRules([]rules.Rule) {}
