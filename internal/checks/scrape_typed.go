package checks

import (
	"github.com/prometheus/prometheus/model/relabel"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// The scrape jobs as the generator made them: the scrape generator sets
// the Value of its file to the *scrape.Jobs it marshalled (with the spec
// path of each job's workload), and internal/build keeps it for the
// checks. The checks read the jobs from there; scrape/config alone loads
// the bytes, with Prometheus's config loader, and compares them with these.

// typedScrape is the generated scrape jobs, their relabel rules read as
// Prometheus reads a relabel rule.
type typedScrape struct {
	file *artifact.File
	// jobs is nil when the file comes without them (scrape/config reports it).
	jobs *scrape.Jobs
	// relabel parallels jobs.Configs: each job's relabel rules with
	// Prometheus's defaults applied, nil where Prometheus refuses them
	// (scrape/config reports it).
	relabel [][]*relabel.Config
}

// typedScrapeJobs returns the generator's scrape jobs, their relabel rules
// read as Prometheus reads them (scrape.Relabels).
func typedScrapeJobs(in *Input) typedScrape {
	f := in.File(scrape.Path)
	if f == nil {
		return typedScrape{}
	}
	ts := typedScrape{file: f}
	jobs, ok := f.Value.(*scrape.Jobs)
	if !ok || jobs == nil {
		return ts
	}
	ts.jobs = jobs
	ts.relabel = make([][]*relabel.Config, len(jobs.Configs))
	rl := scrape.NewRelabeler()
	for i, c := range jobs.Configs {
		ts.relabel[i], _ = rl.Relabels(c.RelabelConfigs)
	}
	return ts
}

// source is the spec path of job i (the file's when the generator gave none).
func (ts typedScrape) source(i int) string {
	if i < len(ts.jobs.Sources) && ts.jobs.Sources[i] != "" {
		return ts.jobs.Sources[i]
	}
	return ts.file.Source
}
