package harness

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// Overlay is what the end-to-end test takes from a compiled overlay (the
// output of `dataopsgen build`), wherever in the tree they are:
//
//	**/*.yaml                           PrometheusRule objects (any file)
//	**/additional-scrape-configs.yaml   list of scrape_config (exactly one)
//	**/kube-prometheus-stack.yaml       Helm values (exactly one)
//
// (The first layout was prometheus-rules/, scrape/ and values/ at the top;
// the Flux split moved them under config/ and stack/.)
type Overlay struct {
	Dir string
	// Rules are the PrometheusRule objects, in file order.
	Rules []PrometheusRule
	// ScrapeConfigs are the generated scrape_config objects, as decoded.
	ScrapeConfigs []map[string]any
	// ScrapeFile and ValuesFile are where they were found, relative to Dir.
	ScrapeFile, ValuesFile string
	// Values are the kube-prometheus-stack Helm values.
	Values map[string]any
}

// PrometheusRule is one monitoring.coreos.com/v1 PrometheusRule.
type PrometheusRule struct {
	File       string
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		// Groups are kept as decoded: they are written back unchanged.
		Groups []map[string]any `json:"groups"`
	} `json:"spec"`
}

// Alerts names the alerts the groups define.
func (r PrometheusRule) Alerts() []string {
	var out []string
	for _, g := range r.Spec.Groups {
		rules, _ := g["rules"].([]any)
		for _, rr := range rules {
			m, _ := rr.(map[string]any)
			if a, ok := m["alert"].(string); ok {
				out = append(out, a)
			}
		}
	}
	return out
}

// File names the harness looks for.
const (
	ScrapeConfigsFile = "additional-scrape-configs.yaml"
	ValuesFile        = "kube-prometheus-stack.yaml"
)

// LoadOverlay reads the parts of a compiled overlay the test runs.
func LoadOverlay(dir string) (*Overlay, error) {
	o := &Overlay{Dir: dir}
	var scrapeFiles, valuesFiles []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		switch d.Name() {
		case ScrapeConfigsFile:
			scrapeFiles = append(scrapeFiles, rel)
			return nil
		case ValuesFile:
			valuesFiles = append(valuesFiles, rel)
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, doc := range splitYAMLDocuments(b) {
			var head struct {
				Kind string `json:"kind"`
			}
			if err := yaml.Unmarshal(doc, &head); err != nil || head.Kind != "PrometheusRule" {
				continue // not a Kubernetes object, or another kind
			}
			var r PrometheusRule
			if err := yaml.Unmarshal(doc, &r); err != nil {
				return fmt.Errorf("%s (document %d): %w", rel, i+1, err)
			}
			if r.APIVersion != "monitoring.coreos.com/v1" {
				return fmt.Errorf("%s (document %d): want monitoring.coreos.com/v1 PrometheusRule, got %s %s", rel, i+1, r.APIVersion, r.Kind)
			}
			r.File = rel
			o.Rules = append(o.Rules, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(o.Rules) == 0 {
		return nil, fmt.Errorf("no PrometheusRule in %s", dir)
	}
	one := func(name string, found []string) (string, error) {
		switch len(found) {
		case 1:
			return found[0], nil
		case 0:
			return "", fmt.Errorf("no %s in %s", name, dir)
		}
		return "", fmt.Errorf("%d files named %s in %s (%v): which one does the test run?", len(found), name, dir, found)
	}
	if o.ScrapeFile, err = one(ScrapeConfigsFile, scrapeFiles); err != nil {
		return nil, err
	}
	if o.ValuesFile, err = one(ValuesFile, valuesFiles); err != nil {
		return nil, err
	}

	b, err := os.ReadFile(filepath.Join(dir, o.ScrapeFile))
	if err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(b, &o.ScrapeConfigs); err != nil {
		return nil, fmt.Errorf("%s: want a list of scrape_config: %w", o.ScrapeFile, err)
	}
	if len(o.ScrapeConfigs) == 0 {
		return nil, fmt.Errorf("%s: no scrape config", o.ScrapeFile)
	}

	b, err = os.ReadFile(filepath.Join(dir, o.ValuesFile))
	if err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(b, &o.Values); err != nil {
		return nil, fmt.Errorf("%s: %w", o.ValuesFile, err)
	}
	return o, nil
}

// splitYAMLDocuments splits a multi-document YAML stream on "---" lines.
func splitYAMLDocuments(b []byte) [][]byte {
	var docs [][]byte
	var cur []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimRight(line, " \t\r") == "---" {
			docs = append(docs, []byte(strings.Join(cur, "\n")))
			cur = nil
			continue
		}
		cur = append(cur, line)
	}
	docs = append(docs, []byte(strings.Join(cur, "\n")))
	return docs
}
