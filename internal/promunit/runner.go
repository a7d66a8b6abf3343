package promunit

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

// PromQL is the parser rules are loaded and evaluated with: promtool's
// default (no feature flags).
var PromQL = parser.NewParser(parser.Options{})

// Failure is one failed check (or an error that stopped a test group).
type Failure struct {
	File     string         // test file name
	Test     int            // index in the file's `tests`
	TestName string         // the test group's name, if any
	Alert    string         // alertname of a failed alert_rule_test
	Expr     string         // expression of a failed promql_expr_test
	EvalTime model.Duration // when the failed check was made
	Message  string         // readable diff or error
}

func (f Failure) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: tests[%d]", f.File, f.Test)
	if f.TestName != "" {
		fmt.Fprintf(&b, " %q", f.TestName)
	}
	switch {
	case f.Alert != "":
		fmt.Fprintf(&b, ": alert %s at %s", f.Alert, f.EvalTime)
	case f.Expr != "":
		fmt.Fprintf(&b, ": expr %q at %s", f.Expr, f.EvalTime)
	}
	return b.String() + ":\n" + indent(f.Message, "    ")
}

// ruleFile is one loaded rule file.
type ruleFile struct {
	name   string
	groups *rulefmt.RuleGroups
}

// Run runs every test group of tf against the given rule groups (tf.RuleFiles
// is not read: the caller already has the rules, e.g. generated in memory).
func Run(tf *TestFile, groups []rulefmt.RuleGroup) []Failure { return Fast().Run(tf, groups) }

// RunFile runs a test file from disk; rule_files are relative to its
// directory and may be globs, as with promtool.
func RunFile(name string) []Failure { return Fast().RunFile(name) }

// RunFS runs the test file name of fsys (e.g. a generated overlay held in
// memory); rule_files are resolved inside fsys, relative to the test file.
func RunFS(fsys fs.FS, name string) []Failure { return Fast().RunFS(fsys, name) }

// RunParsed runs a test file already parsed exactly as RunFS runs the file
// it was parsed from (see Options.RunParsed).
func RunParsed(fsys fs.FS, tf *TestFile, parsed func(path string) ([]rulefmt.RuleGroup, bool)) []Failure {
	return Fast().RunParsed(fsys, tf, parsed)
}

// Run is the package's Run with these options.
func (o Options) Run(tf *TestFile, groups []rulefmt.RuleGroup) []Failure {
	return o.run(tf, []ruleFile{{name: "rules", groups: &rulefmt.RuleGroups{Groups: groups}}})
}

// RunFile is the package's RunFile with these options.
func (o Options) RunFile(name string) []Failure {
	data, err := os.ReadFile(name)
	if err != nil {
		return []Failure{{File: name, Message: err.Error()}}
	}
	return o.runWith(name, data, filepath.Dir(name), os.ReadFile, func(p string) ([]string, error) {
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(name), p)
		}
		return filepath.Glob(p)
	})
}

// RunFS is the package's RunFS with these options.
func (o Options) RunFS(fsys fs.FS, name string) []Failure {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return []Failure{{File: name, Message: err.Error()}}
	}
	read := func(p string) ([]byte, error) { return fs.ReadFile(fsys, p) }
	return o.runWith(name, data, path.Dir(name), read, func(p string) ([]string, error) {
		return fs.Glob(fsys, path.Join(path.Dir(name), p))
	})
}

// ParseRules parses a rule file (`groups: [...]`) as Prometheus does.
func ParseRules(name string, data []byte) ([]rulefmt.RuleGroup, error) {
	rgs, errs := rulefmt.Parse(data, false, model.UTF8Validation, PromQL, slog.New(slog.DiscardHandler))
	if len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Error()
		}
		return nil, fmt.Errorf("%s: %s", name, strings.Join(msgs, "; "))
	}
	return rgs.Groups, nil
}

// RunParsed runs a test file already parsed exactly as RunFS runs the file
// it was parsed from: tf is what Parse returns for the file tf.Name of fsys
// (e.g. the value a generator marshalled it from), its rule_files are
// resolved in fsys relative to it, and a matched rule file is taken from
// parsed when it has it — what ParseRules returns for its bytes, which
// includes rulefmt's validation: the caller vouches for both — and read and
// parsed otherwise. It saves reading back what was just written.
func (o Options) RunParsed(fsys fs.FS, tf *TestFile, parsed func(path string) ([]rulefmt.RuleGroup, bool)) []Failure {
	if err := tf.check(); err != nil {
		return []Failure{{File: tf.Name, Message: err.Error()}}
	}
	name := tf.Name
	read := func(p string) ([]rulefmt.RuleGroup, error) {
		if g, ok := parsed(p); ok {
			return g, nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		return ParseRules(p, b)
	}
	return o.runParsed(tf, path.Dir(name), read, func(p string) ([]string, error) {
		return fs.Glob(fsys, path.Join(path.Dir(name), p))
	})
}

func (o Options) runWith(name string, data []byte, dir string, read func(string) ([]byte, error), glob func(string) ([]string, error)) []Failure {
	tf, err := Parse(name, data)
	if err != nil {
		return []Failure{{File: name, Message: err.Error()}}
	}
	return o.runParsed(tf, dir, func(p string) ([]rulefmt.RuleGroup, error) {
		b, err := read(p)
		if err != nil {
			return nil, err
		}
		return ParseRules(p, b)
	}, glob)
}

// runParsed loads the rule files of tf (load reads and parses one) and runs it.
func (o Options) runParsed(tf *TestFile, dir string, load func(string) ([]rulefmt.RuleGroup, error), glob func(string) ([]string, error)) []Failure {
	name := tf.Name
	var files []ruleFile
	for _, pattern := range tf.RuleFiles {
		matches, err := glob(pattern)
		if err != nil {
			return []Failure{{File: name, Message: fmt.Sprintf("rule_files %q: %v", pattern, err)}}
		}
		// promtool only warns; a test without its rules can only mislead.
		if len(matches) == 0 {
			return []Failure{{File: name, Message: fmt.Sprintf("rule_files %q: no file matches (relative to %s)", pattern, dir)}}
		}
		for _, m := range matches {
			groups, err := load(m)
			if err != nil {
				return []Failure{{File: name, Message: err.Error()}}
			}
			files = append(files, ruleFile{name: m, groups: &rulefmt.RuleGroups{Groups: groups}})
		}
	}
	return o.run(tf, files)
}

func (o Options) run(tf *TestFile, files []ruleFile) []Failure {
	evalInterval := time.Duration(tf.EvaluationInterval)
	if evalInterval == 0 {
		evalInterval = time.Minute // promtool's default
	}
	order := map[string]int{}
	for i, g := range tf.GroupEvalOrder {
		if _, dup := order[g]; dup {
			return []Failure{{File: tf.Name, Message: "group name repeated in evaluation order: " + g}}
		}
		order[g] = i
	}
	// Callers run many files at once (a build, every workload's): only a
	// few at a time get this far, so that what a file holds while its
	// groups run (memos, goroutines) exists for those few, not for all.
	fileSem <- struct{}{}
	defer func() { <-fileSem }()
	// Test groups are independent (each has its own storage, engine and
	// rule manager): run them concurrently, report in file order.
	results := make([][]Failure, len(tf.Tests))
	sh := newFileShared(o)
	var wg sync.WaitGroup
	for i := range tf.Tests {
		wg.Add(1)
		onWorker(func() {
			defer wg.Done()
			results[i] = runGroup(tf, i, files, evalInterval, order, sh)
		})
	}
	wg.Wait()
	return slices.Concat(results...)
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
