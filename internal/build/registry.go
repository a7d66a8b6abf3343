package build

import (
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

// generatorsWith is every generator, in a fixed order: the overlay's, then
// the rule tests'. Those that compile per unit take their unchanged units
// from units (nil: they generate everything).
func generatorsWith(units generators.Units) []generators.Generator {
	return append(overlayGenerators(), testsGenerator(units))
}

// overlayGenerators are the generators of what the checks read: everything
// but the rule tests.
func overlayGenerators() []generators.Generator {
	return []generators.Generator{
		scrape.New(),
		rules.New(),
		promstack.New(),
		dashboards.New(),
		loki.New(),
		logs.New(),
		flux.New(),
		secrets.New(),
	}
}

// testsGenerator generates the rule tests (files under ruletests.Dir: the
// test files and the rule files they load), which nothing but the runner
// reads.
func testsGenerator(units generators.Units) generators.Generator {
	return ruletests.NewWithUnits(units)
}
