package checks_test

import (
	"testing"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/internal/checks"
)

// famPromtailTyped is a case edit that changes the typed Promtail config
// (the generator bug the check must catch); the bytes stay.
func famPromtailTyped(edit func(c *logs.Collector)) func(t *testing.T, in *checks.Input) *checks.Input {
	return func(t *testing.T, in *checks.Input) *checks.Input { return famEditCollector(t, in, edit) }
}

// famPromtailRule edits the relabel rule at index i of every job.
func famPromtailRule(i int, edit func(r *logs.RelabelRule)) func(t *testing.T, in *checks.Input) *checks.Input {
	return famPromtailTyped(func(c *logs.Collector) {
		for j := range c.Promtail.ScrapeConfigs {
			edit(&c.Promtail.ScrapeConfigs[j].RelabelConfigs[i])
		}
	})
}

// famResnetStage edits stage i of resnet's Promtail job.
func famResnetStage(i int, edit func(s *logs.Stage)) func(t *testing.T, in *checks.Input) *checks.Input {
	return famPromtailTyped(famStages("resnet", func(stages *[]logs.Stage, _ *[]string) { edit(&(*stages)[i]) }))
}

func TestLogsPromtailConfig(t *testing.T) {
	famRunCases(t, "logs/promtail-config", famPromtail, []famCase{
		{name: "generated"},
		{
			name: "unknown relabel action",
			edit: famPromtailRule(0, func(r *logs.RelabelRule) { r.Action = "kep" }),
			want: []string{
				`spec.cue:13:3: logs/promtail-config: scrape_configs[1] (job "dataops/ml/trainer"): relabel_configs[0]: unknown relabel action "kep"`,
				`spec.cue:19:3: logs/promtail-config: scrape_configs[0] (job "dataops/ml/resnet"): relabel_configs[0]: unknown relabel action "kep"`,
			},
		},
		{
			name: "bad relabel regex",
			edit: famPromtailRule(2, func(r *logs.RelabelRule) { r.Regex = "Pending|(Unknown" }),
			want: []string{
				"relabel_configs[2]: error parsing regexp: missing closing ): `^(?s:Pending|(Unknown)$`",
				"relabel_configs[2]: error parsing regexp: missing closing ): `^(?s:Pending|(Unknown)$`",
			},
		},
		{
			name: "replace without target",
			edit: famPromtailRule(4, func(r *logs.RelabelRule) { r.TargetLabel = "" }),
			want: []string{
				`spec.cue:13:3: logs/promtail-config: scrape_configs[1] (job "dataops/ml/trainer"): relabel_configs[4]: relabel configuration for replace action requires 'target_label' value`,
				`spec.cue:19:3: logs/promtail-config: scrape_configs[0] (job "dataops/ml/resnet"): relabel_configs[4]`,
			},
		},
		{
			name: "no __path__",
			edit: famPromtailRule(8, func(r *logs.RelabelRule) { r.TargetLabel = "__file__" }),
			want: []string{
				`spec.cue:13:3: logs/promtail-config: scrape_configs[1] (job "dataops/ml/trainer"): no relabel rule sets __path__: Promtail tails no file`,
				`spec.cue:19:3: logs/promtail-config: scrape_configs[0] (job "dataops/ml/resnet"): no relabel rule sets __path__`,
			},
		},
		{
			name: "duplicate job",
			edit: famPromtailTyped(func(c *logs.Collector) { c.Promtail.ScrapeConfigs[1].JobName = c.Promtail.ScrapeConfigs[0].JobName }),
			want: []string{`spec.cue:13:3: logs/promtail-config: scrape_configs[1] (job "dataops/ml/resnet"): job_name is used twice`},
		},
		{
			name: "bad discovery role",
			edit: famPromtailTyped(func(c *logs.Collector) { c.Promtail.ScrapeConfigs[0].KubernetesSDConfigs[0].Role = "pods" }),
			want: []string{`spec.cue:19:3: logs/promtail-config: scrape_configs[0] (job "dataops/ml/resnet"): kubernetes_sd_configs[0]: unknown Kubernetes SD role "pods"`},
		},
		{
			name: "no discovery",
			edit: famPromtailTyped(func(c *logs.Collector) { c.Promtail.ScrapeConfigs[0].KubernetesSDConfigs = nil }),
			want: []string{`spec.cue:19:3: logs/promtail-config: scrape_configs[0] (job "dataops/ml/resnet"): no service discovery: the job has no targets`},
		},
		{
			// Reported at the filter the stage comes from: drop.0.
			name: "bad drop expression",
			edit: famResnetStage(2, func(s *logs.Stage) { s.Drop.Expression += "(" }),
			want: []string{"spec.cue:20:11: logs/promtail-config: scrape_configs[0] (job \"dataops/ml/resnet\"): pipeline_stages[2] (drop): expression does not compile: error parsing regexp: missing closing ): `GET /healthz(`"},
		},
		{
			// At the keep filter.
			name: "bad match selector",
			edit: famResnetStage(4, func(s *logs.Stage) { s.Match.Selector = `{workload=~"resnet("} !~ "x"` }),
			want: []string{`spec.cue:21:4: logs/promtail-config: scrape_configs[0] (job "dataops/ml/resnet"): pipeline_stages[4] (match): selector`},
		},
		{
			name: "unknown match action",
			edit: famResnetStage(4, func(s *logs.Stage) { s.Match.Action = "dorp" }),
			want: []string{`pipeline_stages[4] (match): unknown action "dorp"`},
		},
		{
			name: "two stages in one item",
			edit: famResnetStage(0, func(s *logs.Stage) { s.Regex = &logs.RegexStage{Expression: "(?P<x>.)"} }),
			want: []string{`spec.cue:19:3: logs/promtail-config: scrape_configs[0] (job "dataops/ml/resnet"): pipeline_stages[0] must have exactly one stage, has 2`},
		},
		{
			name: "bad label drop",
			edit: famResnetStage(1, func(s *logs.Stage) { s.LabelDrop.Values = []string{"file-name"} }),
			want: []string{`pipeline_stages[1] (labeldrop): "file-name" is not a label name`},
		},
		{
			name: "no client",
			edit: famPromtailTyped(func(c *logs.Collector) { c.Promtail.Clients = nil }),
			want: []string{`spec.cue:53:8: logs/promtail-config: the config has no client: Promtail sends the logs nowhere`},
		},
		{
			name: "relative client url",
			edit: famPromtailTyped(func(c *logs.Collector) { c.Promtail.Clients[0].URL = "loki" }),
			want: []string{`clients[0]: url "loki" is not an absolute URL`},
		},
		{
			// The bytes are logs/promtail-decode's: this check is quiet.
			name: "without its typed config",
			edit: func(t *testing.T, in *checks.Input) *checks.Input { return famUntyped(t, in, famPromtailFile) },
		},
	})
	// Alloy specs have no Promtail config.
	famWant(t, famRun(t, "logs/promtail-config", famInput(t, famBase)))
}

// TestLogsPromtailStageAtItsFilter: a broken stage is reported at the
// filter it comes from, each at its own: the second drop filter's stage at
// drop.1, the min-level stages at minLevel, not at the workload.
func TestLogsPromtailStageAtItsFilter(t *testing.T) {
	in := famInput(t, famPromtail)
	in = famEditCollector(t, in, famStages("resnet", func(stages *[]logs.Stage, _ *[]string) {
		(*stages)[3].Drop.Expression = "GET /metrics["
	}))
	in = famEditCollector(t, in, famStages("trainer", func(stages *[]logs.Stage, _ *[]string) {
		(*stages)[2].Regex.Expression = "level"
	}))
	famWant(t, famRun(t, "logs/promtail-config", in),
		"spec.cue:13:9: logs/promtail-config: scrape_configs[1] (job \"dataops/ml/trainer\"): pipeline_stages[2] (regex): expression has no named capture group",
		"spec.cue:20:27: logs/promtail-config: scrape_configs[0] (job \"dataops/ml/resnet\"): pipeline_stages[3] (drop): expression does not compile: error parsing regexp: missing closing ]: `[`",
	)
}
