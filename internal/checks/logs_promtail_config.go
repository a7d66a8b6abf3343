package checks

import (
	"fmt"
	"net/url"
	"regexp"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/discovery/kubernetes"
	"github.com/prometheus/prometheus/model/relabel"

	"github.com/dataopsgen/dataopsgen/internal/diag"
	"github.com/dataopsgen/dataopsgen/internal/model"
)

var logsPromtailConfig = Check{
	Name: "logs/promtail-config",
	Doc: "The Promtail config the generator made validates as Promtail would at start-up: clients with absolute URLs, unique job names, " +
		"a known Kubernetes SD role, relabel rules that pass Prometheus's own validation with a `__path__` rule, one stage per `pipeline_stages` " +
		"item with compiling regexes and a parsing match selector. A problem in a stage is reported at the filter it comes from.",
	Run: func(in *Input) (out diag.List) {
		const check = "logs/promtail-config"
		ci := in.collector()
		if ci.kind != model.CollectorPromtail || ci.file == nil || ci.value == nil || ci.value.Promtail == nil {
			return nil // logs/promtail-decode reports a file without its typed config
		}
		f, c := ci.file, ci.value.Promtail
		for i, cl := range c.Clients {
			if u, err := url.Parse(cl.URL); cl.URL == "" || err != nil || u.Scheme == "" || u.Host == "" {
				out.Append(at(in, f.Source, check, f.Path, "clients[%d]: url %q is not an absolute URL", i, cl.URL))
			}
		}
		if len(c.Clients) == 0 {
			out.Append(at(in, f.Source, check, f.Path, "the config has no client: Promtail sends the logs nowhere"))
		}
		seen := map[string]bool{}
		for i, sc := range c.ScrapeConfigs {
			p := ci.pipelines[i] // promtailPipelines: one per scrape config
			src := p.source
			if src == "" {
				src = f.Source
			}
			where := fmt.Sprintf("scrape_configs[%d] (job %q)", i, sc.JobName)
			if sc.JobName == "" {
				out.Append(at(in, src, check, f.Path, "%s: job_name is empty", where))
			} else if seen[sc.JobName] {
				out.Append(at(in, src, check, f.Path, "%s: job_name is used twice", where))
			}
			seen[sc.JobName] = true
			if len(sc.KubernetesSDConfigs) == 0 {
				out.Append(at(in, src, check, f.Path, "%s: no service discovery: the job has no targets", where))
			}
			for j, sd := range sc.KubernetesSDConfigs {
				var role kubernetes.Role
				if err := role.UnmarshalYAML(decodeString(sd.Role)); err != nil {
					out.Append(at(in, src, check, f.Path, "%s: kubernetes_sd_configs[%d]: %v", where, j, err))
				}
			}
			setsPath := false
			for j, rule := range sc.RelabelConfigs {
				r, err := typedRelabel(rule, relabel.NewRegexp)
				if err == nil {
					err = r.Validate(prommodel.LegacyValidation)
				}
				if err != nil {
					out.Append(at(in, src, check, f.Path, "%s: relabel_configs[%d]: %v", where, j, err))
					continue
				}
				if r.TargetLabel == "__path__" {
					setsPath = true
				}
			}
			if !setsPath {
				out.Append(at(in, src, check, f.Path, "%s: no relabel rule sets __path__: Promtail tails no file", where))
			}
			for j, s := range p.stages {
				ssrc := s.src
				if ssrc == "" {
					ssrc = src
				}
				if s.kinds != 1 {
					out.Append(at(in, ssrc, check, f.Path, "%s: pipeline_stages[%d] must have exactly one stage, has %d", where, j, s.kinds))
					continue
				}
				if msg := promtailStageProblem(s); msg != "" {
					out.Append(at(in, ssrc, check, f.Path, "%s: pipeline_stages[%d] (%s): %s", where, j, s.name, msg))
				}
			}
		}
		return out
	},
}

// promtailStageProblem validates one stage as Promtail would at start-up.
func promtailStageProblem(s collectorStage) string {
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
	case "labeldrop":
		for _, l := range s.values {
			if !prommodel.LegacyValidation.IsValidLabelName(l) {
				return fmt.Sprintf("%q is not a label name", l)
			}
		}
	}
	return ""
}
