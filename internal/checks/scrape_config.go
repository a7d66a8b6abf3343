package checks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/prometheus/prometheus/config"
	// Registers kubernetes_sd_configs with the config loader, as a real
	// Prometheus has it.
	"github.com/prometheus/prometheus/discovery/kubernetes"
	"github.com/prometheus/prometheus/model/relabel"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var scrapeConfigLoad = Check{
	Name: "scrape/config",
	Doc: "The generated additional scrape configs load in Prometheus's own config loader (kubernetes discovery registered), as part of a " +
		"prometheus.yml, and give back the jobs their generator made: names, paths, discovery and relabel rules (the one check of the scrape " +
		"configs' encoding: the others read the typed jobs, which the file must carry).",
	Run: func(in *Input) (out diag.List) {
		const check = "scrape/config"
		f := in.File(scrape.Path)
		if f == nil {
			return nil
		}
		ts := in.scrapeJobs()
		if ts.jobs == nil {
			out.Append(at(in, f.Source, check, f.Path,
				"generated scrape configs come without their typed jobs (artifact.File.Value): the checks of the scrape jobs cannot see them"))
		}
		doc, err := scrapeDoc(in, f)
		if err != nil {
			out.Append(at(in, f.Source, check, f.Path, "%s", err))
			return out
		}
		// The verdict is a function of the document Prometheus loads and
		// of the typed jobs it is compared with (the JSON of every field
		// the encoder writes; the rest of the comparison is derived from
		// them): a pair that passed in an earlier build (in.Passes) is not
		// loaded again.
		var pass []byte
		if ts.jobs != nil {
			if typed, err := json.Marshal(ts.jobs.Configs); err == nil {
				pass = append(append([]byte(doc), 0), typed...)
				if in.passed(check, pass) {
					return out
				}
			}
		}
		cfg, err := config.Load(doc, slog.New(slog.DiscardHandler))
		if err != nil {
			out.Append(at(in, f.Source, check, f.Path, "Prometheus rejects the scrape configs: %s", err))
			return out
		}
		if ts.jobs != nil {
			found := scrapeEncodingProblems(in, f, cfg, ts)
			if found == nil && pass != nil {
				in.pass(check, pass)
			}
			out.Append(found...)
		}
		return out
	},
}

// scrapeDoc is the prometheus.yml scrape/config loads: the spec's global
// intervals and the generated jobs as its scrape_configs.
func scrapeDoc(in *Input, f *artifact.File) (string, error) {
	// The generated file is a YAML list at column 0, which is valid as
	// the value of scrape_configs: load it as is rather than decoding and
	// re-marshalling it (megabytes at scale).
	global, err := artifact.YAML(map[string]any{"global": map[string]string{
		"scrape_interval":     in.Spec.Stack.Prometheus.ScrapeInterval,
		"evaluation_interval": in.Spec.Stack.Prometheus.EvaluationInterval,
	}})
	if err != nil {
		return "", err
	}
	sep := "\n"
	if bytes.HasPrefix(f.Data, []byte("[")) {
		sep = " " // an empty list, "[]": a flow value, on the key's line
	}
	return string(global) + "scrape_configs:" + sep + string(f.Data), nil
}

// scrapeEncodingProblems compares the jobs Prometheus loaded from the bytes
// of f (cfg) with the generator's typed jobs, each difference at its
// workload.
func scrapeEncodingProblems(in *Input, f *artifact.File, cfg *config.Config, ts typedScrape) diag.List {
	const check = "scrape/config"
	loaded := cfg.ScrapeConfigs
	if len(loaded) != len(ts.jobs.Configs) {
		return diag.List{at(in, f.Source, check, f.Path,
			"the scrape configs load as %d jobs, the generator made %d", len(loaded), len(ts.jobs.Configs))}
	}
	var out diag.List
	for i, c := range ts.jobs.Configs {
		if msg := scrapeJobDiff(loaded[i], c, ts.relabel[i]); msg != "" {
			out.Append(at(in, ts.source(i), check, f.Path, "job %q is not what its generator made: %s", c.JobName, msg))
		}
	}
	return out
}

// scrapeJobDiff says how the loaded job l differs from the typed job c
// (rcs: c's relabel rules as Prometheus reads them, nil if it refuses
// them), or "".
func scrapeJobDiff(l *config.ScrapeConfig, c scrape.Config, rcs []*relabel.Config) string {
	differs := func(field string, got, want any) string {
		return fmt.Sprintf("%s loads as %v, the typed job has %v", field, got, want)
	}
	switch {
	case l.JobName != c.JobName:
		return differs("job_name", l.JobName, c.JobName)
	case l.MetricsPath != c.MetricsPath:
		return differs("metrics_path", l.MetricsPath, c.MetricsPath)
	case l.Scheme != c.Scheme:
		return differs("scheme", l.Scheme, c.Scheme)
	case l.HonorLabels != c.HonorLabels:
		return differs("honor_labels", l.HonorLabels, c.HonorLabels)
	case len(l.ServiceDiscoveryConfigs) != len(c.KubernetesSDConfigs):
		return differs("the number of service discovery configs", len(l.ServiceDiscoveryConfigs), len(c.KubernetesSDConfigs))
	case len(c.MetricRelabelConfigs) != len(l.MetricRelabelConfigs):
		return differs("the number of metric_relabel_configs", len(l.MetricRelabelConfigs), len(c.MetricRelabelConfigs))
	}
	for j, sd := range c.KubernetesSDConfigs {
		if msg := kubernetesSDDiff(l.ServiceDiscoveryConfigs[j], sd); msg != "" {
			return fmt.Sprintf("kubernetes_sd_configs[%d]: %s", j, msg)
		}
	}
	if rcs == nil {
		return "its typed relabel rules do not load in Prometheus, though the bytes do"
	}
	if len(l.RelabelConfigs) != len(rcs) {
		return differs("the number of relabel_configs", len(l.RelabelConfigs), len(rcs))
	}
	for j := range rcs {
		if msg := relabelDiff(l.RelabelConfigs[j], rcs[j]); msg != "" {
			return fmt.Sprintf("relabel_configs[%d]: %s", j, msg)
		}
	}
	return ""
}

func kubernetesSDDiff(l any, want scrape.KubernetesSD) string {
	k, ok := l.(*kubernetes.SDConfig)
	if !ok {
		return fmt.Sprintf("loads as %T, not a kubernetes_sd_config", l)
	}
	var names []string
	if want.Namespaces != nil {
		names = want.Namespaces.Names
	}
	var sels []string
	for _, s := range want.Selectors {
		sels = append(sels, s.Role+" "+s.Label)
	}
	var got []string
	for _, s := range k.Selectors {
		got = append(got, string(s.Role)+" "+s.Label)
	}
	switch {
	case string(k.Role) != want.Role:
		return fmt.Sprintf("role loads as %s, the typed job has %s", k.Role, want.Role)
	case !slices.Equal(k.NamespaceDiscovery.Names, names):
		return fmt.Sprintf("namespaces load as %v, the typed job has %v", k.NamespaceDiscovery.Names, names)
	case !slices.Equal(got, sels):
		return fmt.Sprintf("selectors load as %q, the typed job has %q", got, sels)
	}
	return ""
}

// relabelDiff says how the loaded rule l differs from want, or "".
func relabelDiff(l, want *relabel.Config) string {
	type field struct {
		name      string
		got, want string
	}
	for _, f := range []field{
		{"source_labels", fmt.Sprint(l.SourceLabels), fmt.Sprint(want.SourceLabels)},
		{"separator", l.Separator, want.Separator},
		{"regex", l.Regex.String(), want.Regex.String()},
		{"modulus", fmt.Sprint(l.Modulus), fmt.Sprint(want.Modulus)},
		{"target_label", l.TargetLabel, want.TargetLabel},
		{"replacement", l.Replacement, want.Replacement},
		{"action", string(l.Action), string(want.Action)},
	} {
		if f.got != f.want {
			return fmt.Sprintf("%s loads as %q, the typed rule has %q", f.name, f.got, f.want)
		}
	}
	return ""
}
