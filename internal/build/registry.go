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

// generatorsWith is every generator, in a fixed order; those that compile
// per unit take their unchanged units from units (nil: they generate
// everything).
func generatorsWith(units generators.Units) []generators.Generator {
	return []generators.Generator{
		scrape.New(),
		rules.New(),
		promstack.New(),
		dashboards.New(),
		loki.New(),
		logs.New(),
		ruletests.NewWithUnits(units),
		flux.New(),
		secrets.New(),
	}
}
