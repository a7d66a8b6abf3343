package checks

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	prommodel "github.com/prometheus/common/model"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

// promtailStageNames are the pipeline stages Promtail knows.
var promtailStageNames = []string{
	"cri", "decolorize", "docker", "drop", "eventlogmessage", "geoip", "json", "labelallow", "labeldrop", "labels",
	"limit", "logfmt", "match", "metrics", "multiline", "output", "pack", "regex", "replace", "sampling",
	"static_labels", "structured_metadata", "template", "tenant", "timestamp",
}

var logsPromtailDecode = Check{
	Name: "logs/promtail-decode",
	Doc: "The generated Promtail config decodes strictly with Prometheus's `relabel.Config` and `kubernetes.SDConfig` types and validates: " +
		"relabel rules, unique job names, a `__path__` rule, known pipeline stages with compiling regexes; the chart values carry the same text, without `{{`.",
	Run: func(in *Input) (out diag.List) {
		const check = "logs/promtail-decode"
		ci := in.collector()
		if ci.kind != model.CollectorPromtail || ci.file == nil {
			return nil
		}
		f := ci.file
		if ci.err != nil {
			return append(out, at(in, f.Source, check, f.Path, "Promtail would refuse the generated config: %v", ci.err))
		}
		jobs := map[string]string{} // job name -> spec path
		for _, w := range in.Spec.Workloads {
			jobs[logs.PromtailJobName(w.Name, w.Namespace)] = w.Path("logs")
		}
		for i, c := range ci.promtail.Clients {
			u, _ := c["url"].(string)
			if pu, err := url.Parse(u); u == "" || err != nil || pu.Scheme == "" || pu.Host == "" {
				out.Append(at(in, f.Source, check, f.Path, "clients[%d]: url %q is not an absolute URL", i, u))
			}
		}
		if len(ci.promtail.Clients) == 0 {
			out.Append(at(in, f.Source, check, f.Path, "the config has no client: Promtail sends the logs nowhere"))
		}
		seen := map[string]bool{}
		for i, sc := range ci.promtail.ScrapeConfigs {
			src := f.Source
			if p, ok := jobs[sc.JobName]; ok {
				src = p
			}
			where := fmt.Sprintf("scrape_configs[%d] (job %q)", i, sc.JobName)
			if sc.JobName == "" {
				out.Append(at(in, src, check, f.Path, "%s: job_name is empty", where))
			} else if seen[sc.JobName] {
				out.Append(at(in, src, check, f.Path, "%s: job_name is used twice", where))
			}
			seen[sc.JobName] = true
			if len(sc.KubernetesSDConfigs) == 0 && len(sc.StaticConfigs) == 0 && len(sc.FileSDConfigs) == 0 {
				out.Append(at(in, src, check, f.Path, "%s: no service discovery: the job has no targets", where))
			}
			setsPath := false
			for j, r := range sc.RelabelConfigs {
				if r == nil {
					out.Append(at(in, src, check, f.Path, "%s: relabel_configs[%d] is empty", where, j))
					continue
				}
				if err := r.Validate(prommodel.LegacyValidation); err != nil {
					out.Append(at(in, src, check, f.Path, "%s: relabel_configs[%d]: %v", where, j, err))
				}
				if r.TargetLabel == "__path__" {
					setsPath = true
				}
			}
			if !setsPath {
				out.Append(at(in, src, check, f.Path, "%s: no relabel rule sets __path__: Promtail tails no file", where))
			}
			for j, st := range sc.PipelineStages {
				if len(st) != 1 {
					out.Append(at(in, src, check, f.Path, "%s: pipeline_stages[%d] must have exactly one stage, has %d", where, j, len(st)))
					continue
				}
				for _, s := range promtailStages(st) {
					if msg := promtailStageProblem(s); msg != "" {
						out.Append(at(in, src, check, f.Path, "%s: pipeline_stages[%d] (%s): %s", where, j, s.name, msg))
					}
				}
			}
		}
		// The chart gets the config through its values (config.file); the
		// aside copy must be the same text, and "{{" would be run by tpl.
		if vf := in.File(logs.PromtailValuesPath); vf != nil {
			var v struct {
				Config struct {
					File string `json:"file"`
				} `json:"config"`
			}
			if err := yaml.Unmarshal(vf.Data, &v); err != nil {
				out.Append(at(in, vf.Source, check, vf.Path, "the Promtail values do not decode: %v", err))
			} else if v.Config.File != string(f.Data) {
				out.Append(atGenerated(in, vf.Source, check, []string{vf.Path, f.Path}, "config.file in the Promtail values is not the generated Promtail config"))
			}
			if strings.Contains(v.Config.File, "{{") {
				out.Append(at(in, vf.Source, check, vf.Path, "config.file contains \"{{\", which the chart's tpl would execute"))
			}
		}
		return out
	},
}

// promtailStageProblem validates one stage as Promtail would at start-up.
func promtailStageProblem(s collectorStage) string {
	if !slices.Contains(promtailStageNames, s.name) {
		return "unknown stage"
	}
	switch s.name {
	case "drop":
		if s.expression != "" {
			if _, err := regexp.Compile(s.expression); err != nil {
				return fmt.Sprintf("expression does not compile: %v", err)
			}
		}
	case "regex":
		re, err := regexp.Compile(s.expression)
		if err != nil {
			return fmt.Sprintf("expression does not compile: %v", err)
		}
		if s.expression == "" || len(re.SubexpNames()) < 2 {
			return "expression has no named capture group"
		}
	case "match":
		if s.action != "" && s.action != "keep" && s.action != "drop" {
			return fmt.Sprintf("unknown action %q", s.action)
		}
		if _, err := parseLogQLSelector(s.selector); err != nil {
			return fmt.Sprintf("selector %q: %v", s.selector, err)
		}
	case "labeldrop", "labelallow":
		for _, l := range s.values {
			if !prommodel.LegacyValidation.IsValidLabelName(l) {
				return fmt.Sprintf("%q is not a label name", l)
			}
		}
	}
	return ""
}
