package scrape

import (
	"fmt"

	prommodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/relabel"
	yamlv2 "go.yaml.in/yaml/v2"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
)

// PrometheusRelabel returns rs as Prometheus reads them: their YAML read by
// relabel.Config's own UnmarshalYAML (which applies Prometheus's defaults:
// separator, regex, replacement) and validated. It is the reference of
// Relabels.
func PrometheusRelabel(rs []Relabel) ([]*relabel.Config, error) {
	data, err := artifact.YAML(rs)
	if err != nil {
		return nil, err
	}
	var rcs []*relabel.Config
	if err := yamlv2.Unmarshal(data, &rcs); err != nil {
		return nil, fmt.Errorf("generated relabel configs: %w", err)
	}
	for _, rc := range rcs {
		if err := rc.Validate(prommodel.UTF8Validation); err != nil {
			return nil, fmt.Errorf("generated relabel config: %w", err)
		}
	}
	return rcs, nil
}

// Relabels is PrometheusRelabel without the YAML in between (which costs
// ten times the rest: the checks read every job's rules). Each rule starts
// from Prometheus's defaults (relabel.DefaultRelabelConfig), and each field
// the encoder writes (Relabel's json tags: the empty ones are omitted) is
// read by Prometheus's own UnmarshalYAML of that field's type (label names,
// regex, action), as relabel.Config's UnmarshalYAML does
// (prometheus/prometheus model/relabel/relabel.go).
// TestRelabelsArePrometheusRelabel compares the two; scrape/config compares
// what Prometheus's config loader reads from the bytes with it on every
// build.
func Relabels(rs []Relabel) ([]*relabel.Config, error) {
	out := make([]*relabel.Config, len(rs))
	for i, r := range rs {
		c, err := prometheusRule(r)
		if err != nil {
			return nil, fmt.Errorf("generated relabel config %d: %w", i, err)
		}
		out[i] = c
	}
	return out, nil
}

func prometheusRule(r Relabel) (*relabel.Config, error) {
	c := relabel.DefaultRelabelConfig
	if len(r.SourceLabels) > 0 {
		c.SourceLabels = make(prommodel.LabelNames, len(r.SourceLabels))
		for i, l := range r.SourceLabels {
			if err := c.SourceLabels[i].UnmarshalYAML(yamlString(l)); err != nil {
				return nil, err
			}
		}
	}
	if r.Separator != "" {
		c.Separator = r.Separator
	}
	if r.Regex != "" {
		if err := c.Regex.UnmarshalYAML(yamlString(r.Regex)); err != nil {
			return nil, err
		}
	}
	if r.TargetLabel != "" {
		c.TargetLabel = r.TargetLabel
	}
	if r.Replacement != nil {
		c.Replacement = *r.Replacement
	}
	// Always written (no omitempty).
	if err := c.Action.UnmarshalYAML(yamlString(r.Action)); err != nil {
		return nil, err
	}
	if err := c.Validate(prommodel.UTF8Validation); err != nil {
		return nil, err
	}
	return &c, nil
}

// yamlString is an UnmarshalYAML argument that reads the scalar s.
func yamlString(s string) func(any) error {
	return func(v any) error {
		p, ok := v.(*string)
		if !ok {
			return fmt.Errorf("cannot read %q as %T", s, v)
		}
		*p = s
		return nil
	}
}
