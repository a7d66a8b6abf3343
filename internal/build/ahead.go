package build

import (
	"crypto/sha256"
	"strings"

	"github.com/dataopsgen/dataopsgen/generators/ruletests"
	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/promunit"
)

// writeTestsAhead hands the rule-test files among files to stage and lets
// go of their bytes, keeping their size and SHA-256 (artifact.Staged).
//
// Why: the tests are nine tenths of the overlay's bytes (91 MB at 1,000
// workloads), and nothing after generation reads those bytes — the checks
// skip the tests, the runner runs their typed values, and the test cache
// keys a file by its sum (testcache.TestFileSum). Held until the write,
// they sat in the heap through the checks and the runs; written ahead,
// the peak heap of a cold build is that much lower.
//
// Only the files the runner needs no bytes of go ahead: a test file with
// its typed value, whose rule_files can only name rule files (a pattern
// ending in .rules.yaml never matches a .test.yaml file, whose bytes would
// then be missing from the runner's file system). Units taken from the
// cache come as bytes alone (the runner parses them when their pass is
// not recorded) and stay in memory.
func writeTestsAhead(stage Stage, files []artifact.File) error {
	var ahead []int
	for i := range files {
		if aheadable(&files[i]) {
			ahead = append(ahead, i)
		}
	}
	if len(ahead) == 0 {
		return nil
	}
	batch := make([]artifact.File, len(ahead))
	for j, i := range ahead {
		batch[j] = artifact.File{Path: files[i].Path, Data: files[i].Data, Role: files[i].Role}
	}
	if err := stage.WriteAhead(batch); err != nil {
		return err
	}
	for _, i := range ahead {
		files[i].Staged = &artifact.Staged{Size: len(files[i].Data), Sum: sha256.Sum256(files[i].Data)}
		files[i].Data = nil
	}
	return nil
}

func aheadable(f *artifact.File) bool {
	tf, ok := f.Value.(*promunit.TestFile)
	if !ok || tf == nil || f.Staged != nil || !strings.HasPrefix(f.Path, ruletests.Dir+"/") || !strings.HasSuffix(f.Path, ".test.yaml") {
		return false
	}
	for _, p := range tf.RuleFiles {
		if !strings.HasSuffix(p, ".rules.yaml") {
			return false
		}
	}
	return true
}
