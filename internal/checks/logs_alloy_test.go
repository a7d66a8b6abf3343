package checks_test

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/checks"
)

func TestLogsAlloyParse(t *testing.T) {
	famRunCases(t, "logs/alloy-parse", famBase, []famCase{
		{name: "generated"},
		{
			name: "unbalanced block",
			edit: famEditCase(famAlloyFile, `target_label = "cluster"`, `target_label = "cluster" {`),
			want: []string{`logs/alloy-parse: Alloy rejects the generated config`},
		},
		{
			name: "without its typed pipelines",
			edit: func(t *testing.T, in *checks.Input) *checks.Input { return famUntyped(t, in, famAlloyFile) },
			want: []string{`spec.cue:3:1: logs/alloy-parse: the collector config comes without its typed pipelines (artifact.File.Value): the log checks cannot see it`},
		},
		{
			// The encoder check: the text says another filter than the
			// generator's, reported at that filter.
			name: "stage differs",
			edit: famEditCase(famAlloyFile, `expression          = "GET /metrics"`, `expression          = "GET /metric"`),
			want: []string{`spec.cue:20:27: logs/alloy-parse: pipeline "resnet": stage 3 is emitted as {"drop":{"expression":"GET /metric","drop_counter_reason":"dataops_drop"}}, the generator made {"drop":{"expression":"GET /metrics","drop_counter_reason":"dataops_drop"}}`},
		},
		{
			name: "stage lost",
			edit: famEditCase(famAlloyFile, "\n\tstage.regex {\n\t\texpression = \"(?i)\\\\blevel\\\"?[=:]\\\\s*\\\"?(?P<dataops_level>trace|debug|info|warn|warning|error|fatal)\\\\b\"\n\t}\n", ""),
			want: []string{
				`spec.cue:13:9: logs/alloy-parse: pipeline "trainer": stage 2 is emitted as {"drop":{"source":"dataops_level"`,
				`spec.cue:13:9: logs/alloy-parse: pipeline "trainer": stage 3 is emitted as nothing, the generator made {"drop":{"source":"dataops_level"`,
			},
		},
		{
			name: "relabel rule differs",
			edit: famEditCase(famAlloyFile, `target_label = "cluster"`, `target_label = "__cluster"`),
			want: []string{
				`spec.cue:13:3: logs/alloy-parse: pipeline "trainer": rule 3 is emitted as {"target_label":"__cluster","replacement":"ml-prod","action":"replace"}, the generator made {"target_label":"cluster","replacement":"ml-prod","action":"replace"}`,
				`spec.cue:19:3: logs/alloy-parse: pipeline "resnet": rule 3 is emitted as {"target_label":"__cluster"`,
			},
		},
		{
			name: "pipeline lost",
			edit: famEditCase(famAlloyFile, `discovery.relabel "resnet"`, `discovery.relabel "resnet50"`),
			want: []string{
				`spec.cue:3:1: logs/alloy-parse: the config has a pipeline "resnet50" the generator did not make`,
				`spec.cue:19:3: logs/alloy-parse: pipeline "resnet": the config has no discovery.relabel and loki.process "resnet": the workload's logs are not collected`,
			},
		},
	})
	// Promtail specs have no Alloy config.
	famWant(t, famRun(t, "logs/alloy-parse", famInput(t, famPromtail)))
}
