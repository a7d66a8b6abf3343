package checks

import (
	"fmt"
	"regexp"
	"regexp/syntax"

	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var logsFilterRegex = Check{
	Name: "logs/filter-regex",
	Doc: "Every log filter (`workloads.<name>.logs.drop` / `keep`) compiles as an RE2 regex (both collectors use Go's regexp) and reaches " +
		"the generated collector config: a drop stage with the same regex per `drop`, a dropping match stage for `keep`.",
	Run: func(in *Input) (out diag.List) {
		const check = "logs/filter-regex"
		ci := in.collector()
		for _, w := range in.Spec.Workloads {
			bad := false
			for _, f := range []struct {
				field string
				res   []string
			}{{"drop", w.Logs.Drop}, {"keep", w.Logs.Keep}} {
				for i, re := range f.res {
					if _, err := regexp.Compile(re); err != nil {
						bad = true
						out.Add(in.Spec.Pos(w.Path("logs", f.field, fmt.Sprint(i))), check,
							"%s: %q is not a valid RE2 regex (the log collectors compile filters with Go's regexp): %v",
							w.Path("logs", f.field, fmt.Sprint(i)), re, regexpError(err))
					}
				}
			}
			if bad || !w.Logs.Enabled || ci.file == nil || ci.err != nil {
				continue
			}
			p := ci.pipelineOf(w)
			if p == nil {
				out.Append(at(in, w.Path("logs"), check, ci.file.Path, "%s: the collector config has no pipeline for the workload: its logs are not collected", w.Path("logs")))
				continue
			}
			for i, re := range w.Logs.Drop {
				if !hasDropStage(p, re) {
					out.Append(at(in, w.Path("logs", "drop", fmt.Sprint(i)), check, ci.file.Path,
						"%s: no drop stage of the workload's pipeline applies %q", w.Path("logs", "drop", fmt.Sprint(i)), re))
				}
			}
			if len(w.Logs.Keep) > 0 && !hasKeepStage(p) {
				out.Append(at(in, w.Path("logs", "keep"), check, ci.file.Path,
					"%s: the workload's pipeline has no stage dropping the lines that match none of the keep regexes", w.Path("logs", "keep")))
			}
		}
		return out
	},
}

// regexpError drops the "error parsing regexp: " prefix Go repeats.
func regexpError(err error) string {
	if e, ok := err.(*syntax.Error); ok {
		return fmt.Sprintf("%s: `%s`", e.Code, e.Expr)
	}
	return err.Error()
}

func hasDropStage(p *collectorPipeline, re string) bool {
	want, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return false
	}
	for _, s := range p.stages {
		if s.name != "drop" || s.source != "" {
			continue
		}
		if s.expression == re {
			return true
		}
		if got, err := syntax.Parse(s.expression, syntax.Perl); err == nil && got.Equal(want) {
			return true
		}
	}
	return false
}

func hasKeepStage(p *collectorPipeline) bool {
	for _, s := range p.stages {
		if s.name == "match" && s.action == "drop" {
			return true
		}
	}
	return false
}
