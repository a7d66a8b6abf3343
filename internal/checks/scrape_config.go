package checks

import (
	"fmt"
	"log/slog"

	"github.com/prometheus/prometheus/config"
	// Register kubernetes_sd_configs with the config loader, as a real
	// Prometheus has it.
	_ "github.com/prometheus/prometheus/discovery/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var scrapeConfigLoad = Check{
	Name: "scrape/config",
	Doc:  "The generated additional scrape configs load in Prometheus's own config loader (kubernetes discovery registered), as part of a prometheus.yml.",
	Run: func(in *Input) (out diag.List) {
		f := in.File(scrape.Path)
		if f == nil {
			return nil
		}
		var list []map[string]any
		if err := yaml.Unmarshal(f.Data, &list); err != nil {
			out.Append(at(in, f.Source, "scrape/config", f.Path, "scrape configs do not decode: %v", err))
			return out
		}
		doc, err := yaml.Marshal(map[string]any{
			"global": map[string]any{
				"scrape_interval":     in.Spec.Stack.Prometheus.ScrapeInterval,
				"evaluation_interval": in.Spec.Stack.Prometheus.EvaluationInterval,
			},
			"scrape_configs": list,
		})
		if err != nil {
			out.Append(at(in, f.Source, "scrape/config", f.Path, "%v", err))
			return out
		}
		if _, err := config.Load(string(doc), slog.New(slog.DiscardHandler)); err != nil {
			out.Append(at(in, f.Source, "scrape/config", f.Path, "Prometheus rejects the scrape configs: %v", err))
		}
		for i, w := range in.Spec.Workloads {
			if i < len(list) && fmt.Sprint(list[i]["job_name"]) == "" {
				out.Append(at(in, w.Path(), "scrape/config", f.Path, "scrape config without job_name"))
			}
		}
		return out
	},
}
