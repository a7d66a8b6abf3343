package checks

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"go.yaml.in/yaml/v3"
)

// ruleParser is rulefmt.Parse with the per-entry part of the validation of
// alerts' labels and annotations shared between rules.
//
// Why: rulefmt parses every label value and annotation of every alert with
// text/template and Prometheus's whole function map (three quarters of
// rules/parse), and the generated rules repeat the same entries thousands of
// times. rulefmt.(*Rule).Validate's checks of a label or annotation depend
// only on the entry (its kind, key and value) and the alert's name (the
// template's name); nothing else of the rule enters them, and of an alert
// (not also a recording rule) no other check reads them. So each distinct
// (alert, kind, key, value) is validated once, by rulefmt itself (Rule.Validate
// on an alert holding that one entry), and its errors are given to every rule
// holding the entry. A value without "{{" is validated as "" (below):
// text/template's lexer only leaves text at a left delimiter, so such a
// value parses whatever it holds, and being valid UTF-8 it is a valid label
// value, as "" is; most generated values (workload label, runbook and
// dashboard URLs) are of this kind and differ per workload. Everything else stays rulefmt's: the strict decode of
// the bytes, the node decode for positions, the group checks and every other
// check of every rule (RuleGroups.Validate on the groups with the alerts'
// labels and annotations set aside). The diagnostics are the same, errors of
// one rule possibly in another order (rulefmt's order among them is Go's map
// order already; the checks' output is sorted).
type ruleParser struct {
	mu      sync.Mutex
	entries map[ruleEntry][]rulefmt.WrappedError
	// keep bounds entries: when it holds that many, it is emptied.
	//
	// Why: many entries are met once (a description naming its
	// workload), and their texts would stay in memory until the last
	// file is parsed (~60 MB at 5,000 workloads). The entries met again
	// and again (the summaries, the severity labels: a few per alert
	// name) are validated again after each emptying: a few hundred
	// validations every few hundred workloads.
	keep int
}

// ruleEntriesKept is a ruleParser's keep: far more than the entries met
// more than once (108 of 5,069 in the rule files of the synthetic spec of
// 1,000 workloads).
const ruleEntriesKept = 4096

func newRuleParser() *ruleParser { return newRuleParserKeeping(ruleEntriesKept) }

func newRuleParserKeeping(keep int) *ruleParser {
	return &ruleParser{entries: map[ruleEntry][]rulefmt.WrappedError{}, keep: keep}
}

// ruleEntry is one label or annotation of an alert.
type ruleEntry struct {
	alert      string
	annotation bool
	key, value string
}

// groupsValidate is rulefmt's (*RuleGroups).Validate, called through
// reflection because its node argument (the positions) is of an unexported
// type: rulefmt.Parse is its only other caller, and it is the group
// validation (empty and repeated names, group labels) we keep. Should a
// Prometheus upgrade change it, both stay invalid and parse falls back to
// rulefmt.Parse whole (slower, same diagnostics); TestGroupsValidateFound
// fails then, so that the upgrade does not lose the speed unnoticed.
var groupsValidate, groupsNodeType = func() (reflect.Value, reflect.Type) {
	m, ok := reflect.TypeFor[*rulefmt.RuleGroups]().MethodByName("Validate")
	if !ok {
		return reflect.Value{}, nil
	}
	t := m.Type
	if t.NumIn() != 4 || t.NumOut() != 1 || t.In(1).Kind() != reflect.Struct ||
		t.In(2) != reflect.TypeFor[model.ValidationScheme]() || t.Out(0) != reflect.TypeFor[[]error]() ||
		// shapeNode's node: the groups' nodes only.
		t.In(1).NumField() != 1 || t.In(1).Field(0).Type != reflect.TypeFor[[]rulefmt.RuleGroupNode]() {
		return reflect.Value{}, nil
	}
	return m.Func, t.In(1)
}()

var discardLogger = slog.New(slog.DiscardHandler)

// parse is rulefmt.Parse(data, false, model.UTF8Validation, PromQL, discard).
func (p *ruleParser) parse(data []byte) (*rulefmt.RuleGroups, []error) {
	if !groupsValidate.IsValid() {
		return rulefmt.Parse(data, false, model.UTF8Validation, PromQL, discardLogger)
	}
	var (
		groups rulefmt.RuleGroups
		errs   []error
	)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&groups); err != nil && !errors.Is(err, io.EOF) {
		errs = append(errs, err)
	}
	// rulefmt then decodes a second document only to log a warning (our
	// logger discards it): not done.
	if len(errs) > 0 {
		// rulefmt reports the node decode's error too.
		if err := yaml.Unmarshal(data, reflect.New(groupsNodeType).Interface()); err != nil {
			errs = append(errs, err)
		}
		return nil, errs
	}
	rest := rulefmt.RuleGroups{Groups: make([]rulefmt.RuleGroup, len(groups.Groups))}
	var entryErrs []error
	for j, g := range groups.Groups {
		rules := make([]rulefmt.Rule, len(g.Rules))
		for i, r := range g.Rules {
			rules[i] = r
			if r.Alert == "" || r.Record != "" {
				// Not an alert, or a broken one whose annotations
				// rulefmt also reads as a recording rule's: rulefmt
				// validates it whole.
				continue
			}
			rules[i].Labels, rules[i].Annotations = nil, nil
			for _, e := range p.ruleEntries(&r) {
				entryErrs = append(entryErrs, &rulefmt.Error{Group: g.Name, Rule: i + 1, RuleName: r.Alert, Err: e})
			}
		}
		rest.Groups[j] = g
		rest.Groups[j].Rules = rules
	}
	errs = validateGroups(&rest, shapeNode(&groups))
	if len(errs) > 0 {
		// The positions are in the errors' texts: decode them, and
		// validate again with them (the same errors, positioned).
		node := reflect.New(groupsNodeType)
		if err := yaml.Unmarshal(data, node.Interface()); err != nil {
			return nil, []error{err} // rulefmt's result; not reached (see shapeNode)
		}
		errs = validateGroups(&rest, node.Elem())
	}
	return &groups, append(errs, entryErrs...)
}

func validateGroups(groups *rulefmt.RuleGroups, node reflect.Value) []error {
	out := groupsValidate.Call([]reflect.Value{
		reflect.ValueOf(groups), node, reflect.ValueOf(model.UTF8Validation), reflect.ValueOf(PromQL),
	})
	errs, _ := out[0].Interface().([]error)
	return errs
}

// shapeNode is the positions node of groups without the positions: its
// groups and rules, empty.
//
// Why: rulefmt decodes the bytes a second time (a node decode, as long as
// the strict decode) only for the line and column of each group and rule,
// which Validate reads for nothing but the texts of its errors. So
// validation runs first on this node; only when it reports errors are the
// positions decoded and the validation run again with them (rulefmt's
// errors exactly). The node decode cannot fail once the strict decode
// succeeded: it decodes the same first document into the same types but
// for yaml.Node fields, which take any node, and unknown fields, which it
// ignores (the bytes are a marshaller's: no aliases, one document).
func shapeNode(groups *rulefmt.RuleGroups) reflect.Value {
	gs := make([]rulefmt.RuleGroupNode, len(groups.Groups))
	for i, g := range groups.Groups {
		gs[i].Rules = make([]rulefmt.RuleNode, len(g.Rules))
	}
	node := reflect.New(groupsNodeType).Elem()
	node.Field(0).Set(reflect.ValueOf(gs))
	return node
}

// ruleEntries returns the errors of the labels and annotations of alert r.
func (p *ruleParser) ruleEntries(r *rulefmt.Rule) []rulefmt.WrappedError {
	var out []rulefmt.WrappedError
	for k, v := range r.Labels {
		out = append(out, p.entry(ruleEntry{alert: r.Alert, key: k, value: v})...)
	}
	for k, v := range r.Annotations {
		out = append(out, p.entry(ruleEntry{alert: r.Alert, annotation: true, key: k, value: v})...)
	}
	return out
}

// entry validates e once: rulefmt's Rule.Validate on an alert holding only
// e (and an expression that parses), whose errors are then e's alone.
func (p *ruleParser) entry(e ruleEntry) []rulefmt.WrappedError {
	if plainValue(e.value) {
		e.value = ""
	}
	p.mu.Lock()
	errs, ok := p.entries[e]
	p.mu.Unlock()
	if ok {
		return errs
	}
	r := rulefmt.Rule{Alert: e.alert, Expr: "1"}
	if e.annotation {
		r.Annotations = map[string]string{e.key: e.value}
	} else {
		r.Labels = map[string]string{e.key: e.value}
	}
	errs = r.Validate(rulefmt.RuleNode{}, model.UTF8Validation, PromQL)
	p.mu.Lock()
	if len(p.entries) >= p.keep {
		clear(p.entries)
	}
	p.entries[e] = errs
	p.mu.Unlock()
	return errs
}

// plainValue reports a value whose validation as a label value or template
// is that of "": valid UTF-8 without a template action.
func plainValue(v string) bool {
	return !strings.Contains(v, "{{") && utf8.ValidString(v)
}
