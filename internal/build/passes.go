package build

import (
	"github.com/dataopsgen/dataopsgen/internal/checks"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

// cachedPasses keeps the per-file passes of the checks (checks.Passes) in
// the build cache, beside the rule tests' passes and the units, trimmed
// alike.
type cachedPasses struct{ cache *testcache.Cache }

// passesOf returns the passes kept in cache, or nil (check every file)
// when there is no cache.
func passesOf(cache *testcache.Cache) checks.Passes {
	if !cache.On() {
		return nil
	}
	return cachedPasses{cache}
}

func (p cachedPasses) Passed(check string, data []byte) bool {
	k, ok := p.cache.Check(check, data)
	return ok && p.cache.Passed(k)
}

func (p cachedPasses) Pass(check string, data []byte) {
	if k, ok := p.cache.Check(check, data); ok {
		p.cache.Put(k)
	}
}
