package build

import (
	"path/filepath"
	"testing"

	"github.com/dataopsgen/dataopsgen/internal/load"
	"github.com/dataopsgen/dataopsgen/internal/model/modeltest"
	"github.com/dataopsgen/dataopsgen/internal/testcache"
)

// countedMemo counts the workloads a load.Memo hands out.
type countedMemo struct {
	load.Memo
	hits int
}

func (m *countedMemo) Load(key []byte) ([]byte, bool) {
	data, ok := m.Memo.Load(key)
	if ok {
		m.hits++
	}
	return data, ok
}

// TestBuildKeepsWorkloads: a build with a cache keeps every workload of
// the synthetic spec in it for the next load, and none without one.
// (TestMemoIsEvaluating, package model, compares loads with and without
// a memo; TestRuleTestCache the bytes of builds with and without the
// cache.)
func TestBuildKeepsWorkloads(t *testing.T) {
	files := modeltest.SynthFiles(20)
	cache := testcache.New(filepath.Join(t.TempDir(), "cache"))
	if memoOf(testcache.New("")) != nil {
		t.Fatal("a memo without a cache")
	}
	if _, diags := Files(files, Options{TestCache: cache}); diags != nil {
		t.Fatal(diags.Err())
	}
	memo := &countedMemo{Memo: memoOf(cache)}
	if _, diags := load.FilesMemo(files, memo); diags != nil {
		t.Fatal(diags.Err())
	}
	if memo.hits != 20 {
		t.Errorf("%d of 20 workloads from the build's cache", memo.hits)
	}
	if err := cache.Err(); err != nil {
		t.Error(err)
	}
}
