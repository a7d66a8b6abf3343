package checks

import (
	"fmt"
	"strings"

	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/internal/diag"
)

var wiringScrapeSecret = Check{
	Name: "wiring/scrape-secret",
	Doc: "`additionalScrapeConfigsSecret` in the kube-prometheus-stack values is enabled and names a Secret key that a kustomization `secretGenerator` " +
		"makes (same name, no hash suffix, Prometheus's namespace, key backed by the generated scrape configs).",
	Run: func(in *Input) (out diag.List) {
		const check = "wiring/scrape-secret"
		const src = "stack.prometheus"
		pv := in.values()
		if pv.file == nil || pv.err != nil {
			return nil // values/parse reports values without their typed value
		}
		vf := pv.file.Path
		// The inline additionalScrapeConfigs, which the chart would render
		// as well, is no field of the typed values (promstack.PrometheusSpec):
		// values/parse refuses bytes that carry it.
		ref := pv.v.Prometheus.PrometheusSpec.AdditionalScrapeConfigsSecret
		scrapeFile := in.File(scrape.Path)
		if ref == nil || ref.Enabled == nil || !*ref.Enabled {
			if scrapeFile != nil {
				out.Append(atGenerated(in, src, check, []string{vf, scrapeFile.Path},
					"the scrape configs are generated but additionalScrapeConfigsSecret is not enabled in the values: Prometheus never scrapes the workloads"))
			}
			return out
		}
		if ref.Name == "" || ref.Key == "" {
			return append(out, at(in, src, check, vf, "additionalScrapeConfigsSecret needs both name and key (has name %q, key %q)", ref.Name, ref.Key))
		}
		var entry *generatorEntry
		for _, e := range in.generatorEntries() {
			if e.secret && e.args.Name == ref.Name {
				entry = e
				break
			}
		}
		if entry == nil {
			return append(out, at(in, src, check, vf,
				"additionalScrapeConfigsSecret names Secret %s, which no kustomization secretGenerator makes", ref.Name))
		}
		files := []string{vf, entry.layer.file.Path}
		if !entry.options().DisableNameSuffixHash {
			out.Append(atGenerated(in, src, check, files,
				"Secret %s gets a content-hash name suffix, but the Helm values reference it by its plain name, which kustomize does not rewrite", ref.Name))
		}
		if ns := effectiveNamespace(in, entry.layer.file.Path, ""); ns != in.Spec.Stack.Namespace {
			out.Append(atGenerated(in, src, check, files,
				"Secret %s is generated in namespace %q, but Prometheus runs in %q and reads it from there", ref.Name, ns, in.Spec.Stack.Namespace))
		}
		found := false
		for _, s := range entry.sources {
			if s.key != ref.Key {
				continue
			}
			found = true
			if in.File(s.path) == nil {
				out.Append(atGenerated(in, src, check, files, "key %s of Secret %s comes from %s, which is not generated", s.key, ref.Name, s.path))
			} else if scrapeFile != nil && s.path != scrapeFile.Path {
				out.Append(atGenerated(in, src, check, files,
					"key %s of Secret %s comes from %s, not from the generated scrape configs %s", s.key, ref.Name, s.path, scrapeFile.Path))
			}
		}
		if !found {
			out.Append(atGenerated(in, src, check, files,
				"additionalScrapeConfigsSecret reads key %s of Secret %s, which has keys %s", ref.Key, ref.Name, wiringEntryKeys(entry)))
		}
		return out
	},
}

// isEmptyValue reports whether a decoded YAML value is unset or empty.
func wiringEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// wiringEntryKeys lists a generator entry's keys.
func wiringEntryKeys(e *generatorEntry) string {
	keys := make([]string, len(e.sources))
	for i, s := range e.sources {
		keys[i] = s.key
	}
	return fmt.Sprintf("[%s]", strings.Join(keys, ", "))
}
