package build

import (
	"slices"

	"github.com/dataopsgen/dataopsgen/generators"
	"github.com/dataopsgen/dataopsgen/generators/dashboards"
	"github.com/dataopsgen/dataopsgen/generators/flux"
	"github.com/dataopsgen/dataopsgen/generators/logs"
	"github.com/dataopsgen/dataopsgen/generators/loki"
	"github.com/dataopsgen/dataopsgen/generators/promstack"
	"github.com/dataopsgen/dataopsgen/generators/rules"
	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/generators/scrape"
	"github.com/dataopsgen/dataopsgen/generators/secrets"
)

var registry = []generators.Generator{
	scrape.New(),
	rules.New(),
	promstack.New(),
	dashboards.New(),
	loki.New(),
	logs.New(),
	ruletests.New(),
	flux.New(),
	secrets.New(),
}

// generatorsWith is All, with the generators that compile per unit taking
// their unchanged units from units (nil: All).
func generatorsWith(units generators.Units) []generators.Generator {
	if units == nil {
		return registry
	}
	gens := slices.Clone(registry)
	for i, g := range gens {
		if g.Name() == "ruletests" {
			gens[i] = ruletests.NewWithUnits(units)
		}
	}
	return gens
}
