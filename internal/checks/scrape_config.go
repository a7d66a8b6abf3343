package checks

import (
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
		// The generated file is a YAML list at column 0, which is valid as
		// the value of scrape_configs: load it as is rather than decoding and
		// re-marshalling it (megabytes at scale).
		global, err := yaml.Marshal(map[string]any{"global": map[string]string{
			"scrape_interval":     in.Spec.Stack.Prometheus.ScrapeInterval,
			"evaluation_interval": in.Spec.Stack.Prometheus.EvaluationInterval,
		}})
		if err != nil {
			out.Append(at(in, f.Source, "scrape/config", f.Path, "%v", err))
			return out
		}
		doc := string(global) + "scrape_configs:\n" + string(f.Data)
		if _, err := config.Load(doc, slog.New(slog.DiscardHandler)); err != nil {
			out.Append(at(in, f.Source, "scrape/config", f.Path, "Prometheus rejects the scrape configs: %v", err))
		}
		return out
	},
}
