package checks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/internal/build"
	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// famBadRegexInput is an Input whose spec has invalid filter regexes, with
// the files generated from the same spec with those filters removed (the
// logs generator refuses invalid regexes).
func famBadRegexInput(t *testing.T, src string) *checks.Input {
	t.Helper()
	s := famSpec(t, src)
	saved := map[string][2][]string{}
	for _, w := range s.Workloads {
		saved[w.Name] = [2][]string{w.Logs.Drop, w.Logs.Keep}
		w.Logs.Drop = slices.DeleteFunc(slices.Clone(w.Logs.Drop), func(re string) bool { return strings.Contains(re, "(?!") || strings.HasSuffix(re, "[") })
		w.Logs.Keep = slices.DeleteFunc(slices.Clone(w.Logs.Keep), func(re string) bool { return strings.Contains(re, "(?!") || strings.HasSuffix(re, "[") })
	}
	files, err := build.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range s.Workloads {
		w.Logs.Drop, w.Logs.Keep = saved[w.Name][0], saved[w.Name][1]
	}
	return &checks.Input{Spec: s, Files: files}
}

func TestLogsFilterRegex(t *testing.T) {
	for _, kind := range []string{"alloy", "promtail"} {
		t.Run(kind, func(t *testing.T) {
			base := famBase + "stack: logCollector: kind: \"" + kind + "\"\n"
			famWant(t, famRun(t, "logs/filter-regex", famInput(t, base)))

			bad := strings.Replace(base, `drop: ["GET /healthz", "GET /metrics"]
			keep: ["level=(warn|error)"]`, `drop: ["GET /healthz", "GET /metrics", "foo(?!bar)"]
			keep: ["level=(warn|error)", "ERROR["]`, 1)
			famWant(t, famRun(t, "logs/filter-regex", famBadRegexInput(t, bad)),
				"spec.cue:20:43: logs/filter-regex: workloads.resnet.logs.drop.2: \"foo(?!bar)\" is not a valid RE2 regex (the log collectors compile filters with Go's regexp): invalid or unsupported Perl syntax: `(?!`",
				"spec.cue:21:33: logs/filter-regex: workloads.resnet.logs.keep.1: \"ERROR[\" is not a valid RE2 regex (the log collectors compile filters with Go's regexp): missing closing ]: `[`",
			)

			// A filter lost on the way to the collector config: the
			// generator's pipeline has no stage for drop.1.
			lost := famEditCollector(t, famInput(t, base), famStages("resnet", func(stages *[]logs.Stage, sources *[]string) {
				*stages = slices.Delete(*stages, 3, 4)
				*sources = slices.Delete(*sources, 3, 4)
			}))
			famWant(t, famRun(t, "logs/filter-regex", lost),
				`spec.cue:20:27: logs/filter-regex: workloads.resnet.logs.drop.1: no drop stage of the workload's pipeline applies "GET /metrics"`)
		})
	}
}
