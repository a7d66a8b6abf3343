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
	return NewRelabeler().Relabels(rs)
}

// A Relabeler reads relabel rules as Relabels does, and the rules of
// every job it reads share one compiled regex per regex text (Regexps).
// Not safe for concurrent use.
type Relabeler struct {
	regexps Regexps
}

// NewRelabeler returns a Relabeler with no regex compiled yet.
func NewRelabeler() *Relabeler {
	return &Relabeler{regexps: NewRegexps()}
}

// Regexps compiles each relabel regex text once (relabel.NewRegexp, which
// is what relabel.Regexp's UnmarshalYAML calls on the scalar it reads) and
// hands every rule with that text the same compiled regex: a regexp is
// safe for concurrent use and never changed once compiled, and
// relabel.Regexp holds it by pointer (`type Regexp struct{
// *regexp.Regexp }`: github.com/prometheus/prometheus v0.316.0
// model/relabel/relabel.go). Most regexes repeat from rule to rule (of
// 16,660 in the scrape configs of 5,000 synthetic workloads, all but
// ~1,700 are one of five; the Alloy config repeats a few across
// thousands of rules), and each compiled one costs ~4 KB (~66 MB held at
// 5,000 workloads while the scrape checks ran). A regex that does not
// compile gives the same error each time. Not safe for concurrent use.
type Regexps map[string]compiledRegexp

type compiledRegexp struct {
	re  relabel.Regexp
	err error
}

// NewRegexps returns a Regexps with no regex compiled yet.
func NewRegexps() Regexps { return Regexps{} }

// Compile is relabel.NewRegexp(s), compiled once per Regexps.
func (c Regexps) Compile(s string) (relabel.Regexp, error) {
	r, ok := c[s]
	if !ok {
		r.re, r.err = relabel.NewRegexp(s)
		c[s] = r
	}
	return r.re, r.err
}

// Relabels is the package's Relabels, its regexes compiled once per
// Relabeler.
func (rl *Relabeler) Relabels(rs []Relabel) ([]*relabel.Config, error) {
	out := make([]*relabel.Config, len(rs))
	for i, r := range rs {
		c, err := rl.rule(r)
		if err != nil {
			return nil, fmt.Errorf("generated relabel config %d: %w", i, err)
		}
		out[i] = c
	}
	return out, nil
}

func (rl *Relabeler) rule(r Relabel) (*relabel.Config, error) {
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
		re, err := rl.regexps.Compile(r.Regex)
		if err != nil {
			return nil, err
		}
		c.Regex = re
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
