package testcache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path"
)

// Key names one test file's outcome: a SHA-256 of everything it depends on.
type Key [sha256.Size]byte

func (k Key) String() string { return hex.EncodeToString(k[:]) }

func (k Key) zero() bool { return k == Key{} }

// TestFile is the key of the test file name (bytes data) of the overlay
// fsys, whose rule_files are ruleFiles. It covers:
//
//   - Version, and the identity of the running binary (binaryID): the
//     runner, Prometheus's engine and rules package, the PromQL parser
//     options and every evaluation setting are compiled into it;
//   - GODEBUG, the one variable of the environment that can change what
//     the standard library computes (the runner reads no variable; GOGC,
//     GOMEMLIMIT and GOMAXPROCS change memory and scheduling, not
//     results: the runner reports in file order whatever the schedule);
//   - the test file's path and bytes (its input series, evaluation
//     interval, start timestamps, external labels, expectations), by
//     their SHA-256 (TestFileSum: a build that wrote the file out early
//     keeps only that);
//   - each pattern of rule_files, and the path and bytes of every file it
//     matches, in the order the runner loads them. The patterns are
//     resolved exactly as promunit.RunFS and RunParsed resolve them
//     (fs.Glob in fsys, relative to the test file's directory), so a rule
//     file added, removed or changed under a pattern changes the key.
//
// Nothing else reaches a test's outcome: the evaluation time is simulated
// from the file (never the clock), and PromQL and the alert templates work
// in UTC, so neither the date nor the local time zone matter.
//
// ok is false when the cache is off or the key cannot be made (the binary
// has no identity, a pattern is malformed or matches nothing, a rule file
// cannot be read): the test then simply runs, and its outcome is reported
// as the runner finds it.
func (c *Cache) TestFile(fsys fs.FS, name string, data []byte, ruleFiles []string) (k Key, ok bool) {
	if !c.On() {
		return Key{}, false
	}
	return c.TestFileSum(fsys, name, sha256.Sum256(data), ruleFiles)
}

// TestFileSum is TestFile for the test file whose bytes have the SHA-256
// sum: the same key.
func (c *Cache) TestFileSum(fsys fs.FS, name string, sum [sha256.Size]byte, ruleFiles []string) (k Key, ok bool) {
	if !c.On() {
		return Key{}, false
	}
	h, ok := c.hasher()
	if !ok {
		return Key{}, false
	}
	h.add("test", name, sum[:])
	for _, pattern := range ruleFiles {
		matches, err := fs.Glob(fsys, path.Join(path.Dir(name), pattern))
		if err != nil || len(matches) == 0 {
			return Key{}, false
		}
		h.add("pattern", pattern, nil)
		for _, m := range matches {
			b, err := fs.ReadFile(fsys, m)
			if err != nil {
				return Key{}, false
			}
			h.add("rules", m, b)
		}
	}
	return h.sum(), true
}

// hasher starts a key with what every key covers.
func (c *Cache) hasher() (*hasher, bool) {
	id, err := c.id()
	if err != nil {
		c.fail(fmt.Errorf("identity of the running binary: %w", err))
		return nil, false
	}
	h := &hasher{h: sha256.New()}
	h.add("version", fmt.Sprint(Version), nil)
	h.add("binary", "", id)
	h.add("GODEBUG", os.Getenv("GODEBUG"), nil)
	return h, true
}

// hasher writes (kind, name, data) triples, each part length-prefixed so
// that no two different sequences hash the same bytes.
type hasher struct{ h hash.Hash }

func (h *hasher) add(kind, name string, data []byte) {
	for _, b := range [][]byte{[]byte(kind), []byte(name), data} {
		h.h.Write(binary.AppendUvarint(nil, uint64(len(b))))
		h.h.Write(b)
	}
}

func (h *hasher) sum() (k Key) {
	h.h.Sum(k[:0])
	return k
}

// Check is the key of a check's verdict on data, for a check whose verdict
// on a file is a function of the file's bytes alone (checks.Passes). Like
// every key it covers Version and the running binary's identity (the
// check and the parsers it uses are compiled into it). ok is false when
// the cache is off or the binary has no identity.
func (c *Cache) Check(check string, data []byte) (k Key, ok bool) {
	if !c.On() {
		return Key{}, false
	}
	h, ok := c.hasher()
	if !ok {
		return Key{}, false
	}
	h.add("check", check, data)
	return h.sum(), true
}
