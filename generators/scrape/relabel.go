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
// separator, regex, replacement, action) and validated. Prometheus's
// defaults are thus never copied here (prometheus/prometheus
// model/relabel/relabel.go, DefaultRelabelConfig).
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
