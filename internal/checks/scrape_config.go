package checks

import (
	"bytes"
	"fmt"
	"log/slog"

	"github.com/prometheus/prometheus/config"
	// Register kubernetes_sd_configs with the config loader, as a real
	// Prometheus has it.
	_ "github.com/prometheus/prometheus/discovery/kubernetes"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var scrapeConfigLoad = Check{
	Name: "scrape/config",
	Doc:  "The generated additional scrape configs load in Prometheus's own config loader (kubernetes discovery registered), as part of a prometheus.yml.",
	Run: func(in *Input) (out diag.List) {
		sc := in.scrape()
		if sc.file == nil {
			return nil
		}
		if sc.err != nil {
			out.Append(at(in, sc.file.Source, "scrape/config", sc.file.Path, "%s", sc.err))
		}
		return out
	},
}

// scrapeLoad is the generated scrape config file as Prometheus loads it.
type scrapeLoad struct {
	file *artifact.File
	cfg  *config.Config
	// err is the message scrape/config reports.
	err error
}

// loadScrape loads the scrape configs (scrape/config reports the error;
// spec/escaping runs the loaded relabel rules).
func loadScrape(in *Input) scrapeLoad {
	f := in.File(scrape.Path)
	if f == nil {
		return scrapeLoad{}
	}
	// The generated file is a YAML list at column 0, which is valid as
	// the value of scrape_configs: load it as is rather than decoding and
	// re-marshalling it (megabytes at scale).
	global, err := artifact.YAML(map[string]any{"global": map[string]string{
		"scrape_interval":     in.Spec.Stack.Prometheus.ScrapeInterval,
		"evaluation_interval": in.Spec.Stack.Prometheus.EvaluationInterval,
	}})
	if err != nil {
		return scrapeLoad{file: f, err: err}
	}
	sep := "\n"
	if bytes.HasPrefix(f.Data, []byte("[")) {
		sep = " " // an empty list, "[]": a flow value, on the key's line
	}
	doc := string(global) + "scrape_configs:" + sep + string(f.Data)
	cfg, err := config.Load(doc, slog.New(slog.DiscardHandler))
	if err != nil {
		return scrapeLoad{file: f, err: fmt.Errorf("Prometheus rejects the scrape configs: %w", err)}
	}
	return scrapeLoad{file: f, cfg: cfg}
}
