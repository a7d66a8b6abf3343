package build

import (
	"encoding/json"

	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

// cachedWorkloads keeps the evaluated JSON of the spec's workloads in the
// build cache (load.Memo), as units: their keys cover the binary's
// identity, so the schema and CUE that evaluated them.
type cachedWorkloads struct{ cache *testcache.Cache }

// memoOf returns the workloads kept in cache, or nil (evaluate every
// workload) when there is no cache.
func memoOf(cache *testcache.Cache) load.Memo {
	if !cache.On() {
		return nil
	}
	return cachedWorkloads{cache}
}

func (m cachedWorkloads) Load(key []byte) ([]byte, bool) {
	k, ok := m.cache.Unit("cue-workload", key)
	if !ok {
		return nil, false
	}
	data, ok := m.cache.Load(k)
	// An entry is written whole and renamed into place; one that is not
	// JSON (a damaged disk) is a miss, not a decode error for the user.
	if !ok || !json.Valid(data) {
		return nil, false
	}
	return data, true
}

func (m cachedWorkloads) Store(key, json []byte) {
	if k, ok := m.cache.Unit("cue-workload", key); ok {
		m.cache.Store(k, json)
	}
}
