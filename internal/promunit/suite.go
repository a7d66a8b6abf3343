package promunit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/storage"
)

// suite is what a test group runs against: input series appended lazily up
// to each evaluation time, a PromQL engine, a storage the rules write to.
// promtool's is promqltest.LazyLoader (lazySuite); the MemoryStorage fast
// path's is memSuite (memstore.go).
type suite interface {
	WithSamplesTill(ts time.Time, fn func(error))
	QueryEngine() *promql.Engine
	Queryable() storage.Queryable
	Appendable() storage.AppendableV2
	Context() context.Context
	Close() error
	// input is every input sample, nil if unknown (see stepCache).
	input() storage.Queryable
}

// lazySuite is promtool's storage.
type lazySuite struct{ *promqltest.LazyLoader }

func (s lazySuite) Appendable() storage.AppendableV2 { return s.Storage() }
func (lazySuite) input() storage.Queryable           { return nil }

// newSuite is a memSuite where it applies and o.MemoryStorage, else
// promtool's LazyLoader.
func newSuite(o Options, interval time.Duration, series []Series, opts promqltest.LazyLoaderOpts, evalInterval time.Duration, lines *memo[parsedLine]) (suite, error) {
	if o.MemoryStorage {
		if s := newMemSuite(o, interval, series, opts.StartTime, evalInterval, lines); s != nil {
			return s, nil
		}
	}
	ll, err := promqltest.NewLazyLoader(loadCommand(interval, series), opts)
	if err != nil {
		return nil, err
	}
	ll.SubqueryInterval = evalInterval
	return lazySuite{ll}, nil
}

// loadCommand is the input series as promqltest's load command.
func loadCommand(interval time.Duration, series []Series) string {
	var b strings.Builder
	fmt.Fprintf(&b, "load %s\n", model.Duration(interval))
	for _, s := range series {
		fmt.Fprintf(&b, "  %s %s\n", s.Series, s.Values)
	}
	return b.String()
}
