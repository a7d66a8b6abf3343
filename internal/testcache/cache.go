// Package testcache remembers which rule-test files passed, as `go test`
// remembers passing packages, so that a rebuild of a spec whose workloads
// did not change does not run their tests again.
//
// Only passes are recorded: a key names everything a test file's outcome
// depends on (see Key), and an entry says "this key passed". A failure is
// never recorded, so it runs, and is reported, on every build.
//
// Every problem with the cache's files degrades to running the tests: the
// cache never fails a build and never changes its outcome. The first
// problem is kept (Err) for the caller to mention once.
package testcache

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Env is the variable that places the cache: a directory, or "off".
const Env = "DATAOPSGEN_CACHE"

// Version is the format of keys and entries. Bump it when what a key
// covers or what an entry means changes: older entries are then never
// matched (and trimmed after trimLimit).
const Version = 2

const (
	// touchInterval: a hit refreshes its entry's mtime when it is older
	// than this, so that trim keeps entries in use without a write per hit
	// (Go's build cache does the same).
	touchInterval = time.Hour
	// trimInterval: trim walks the cache at most this often.
	trimInterval = 24 * time.Hour
	// trimLimit: entries unused for this long are removed.
	trimLimit = 5 * 24 * time.Hour
)

// Cache is a directory of passed keys. A nil *Cache, or one that is off,
// has nothing and records nothing. Safe for concurrent use, and for
// several processes sharing the directory.
type Cache struct {
	dir string                 // "" when off
	id  func() ([]byte, error) // the running binary's identity

	mu      sync.Mutex
	err     error // the first problem
	dirDone bool  // dir exists (or was just created)
	now     func() time.Time
}

// Open returns the cache the environment asks for: $DATAOPSGEN_CACHE, or
// os.UserCacheDir()/dataopsgen when unset; "off" turns it off. A location
// that cannot be used gives a cache that is off and whose Err says why.
func Open() *Cache {
	dir := os.Getenv(Env)
	switch {
	case dir == "off":
		return nil
	case dir == "":
		base, err := os.UserCacheDir()
		if err != nil {
			return &Cache{err: fmt.Errorf("no cache directory (set %s to a directory, or to off): %w", Env, err)}
		}
		dir = filepath.Join(base, "dataopsgen")
	case !filepath.IsAbs(dir):
		// As GOCACHE: a relative path would put a cache wherever the
		// command happens to run.
		return &Cache{err: fmt.Errorf("%s=%s is not an absolute path", Env, dir)}
	}
	return New(dir)
}

// New returns the cache in dir (created when first written).
func New(dir string) *Cache {
	return &Cache{dir: dir, id: binaryID, now: time.Now}
}

// On reports whether the cache is in use.
func (c *Cache) On() bool { return c != nil && c.dir != "" }

// Dir is the cache's directory ("" when off).
func (c *Cache) Dir() string {
	if c == nil {
		return ""
	}
	return c.dir
}

// Err is the first problem the cache had (nil if none): while it lasted,
// tests ran instead of being taken from the cache.
func (c *Cache) Err() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *Cache) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

// entry is the content of a passed key's file: the key again, so that a
// truncated or foreign file is a miss rather than a pass.
func entry(k Key) []byte {
	return fmt.Appendf(nil, "dataopsgen rule test passed v%d %s\n", Version, k)
}

func (c *Cache) path(k Key) string {
	s := k.String()
	return filepath.Join(c.dir, s[:2], s)
}

// Passed reports whether k is recorded as passed, and marks the entry used.
func (c *Cache) Passed(k Key) bool {
	if !c.On() || k.zero() {
		return false
	}
	p := c.path(k)
	data, err := os.ReadFile(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.fail(err)
		}
		return false
	}
	if !bytes.Equal(data, entry(k)) {
		return false // overwritten by the next Put
	}
	c.touch(p)
	return true
}

// touch refreshes the mtime of the entry p when it is older than
// touchInterval, so that Trim keeps entries in use.
func (c *Cache) touch(p string) {
	if fi, err := os.Stat(p); err == nil && c.now().Sub(fi.ModTime()) > touchInterval {
		now := c.now()
		if err := os.Chtimes(p, now, now); err != nil && !errors.Is(err, fs.ErrNotExist) {
			c.fail(err)
		}
	}
}

// Put records k as passed: a temporary file renamed over the entry, so that
// a reader never sees half an entry and concurrent writers of the same key
// (which write the same bytes) do not interfere.
func (c *Cache) Put(k Key) {
	if !c.On() || k.zero() {
		return
	}
	if err := c.put(k); err != nil {
		c.fail(err)
	}
}

func (c *Cache) put(k Key) error { return c.write(k, entry(k)) }

// write makes data the entry of k.
func (c *Cache) write(k Key, data []byte) error {
	if err := c.mkdir(); err != nil {
		return err
	}
	p := c.path(k)
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		return err
	}
	return writeAtomic(p, data)
}

// tmpPrefix names the files Put writes before renaming them.
const tmpPrefix = ".tmp-"

// mkdir creates the cache directory once, with a CACHEDIR.TAG (the
// convention that tells backup tools to skip it).
func (c *Cache) mkdir() error {
	c.mu.Lock()
	done := c.dirDone
	c.mu.Unlock()
	if done {
		return nil
	}
	if err := os.MkdirAll(c.dir, 0o777); err != nil {
		return err
	}
	tag := filepath.Join(c.dir, "CACHEDIR.TAG")
	if _, err := os.Stat(tag); errors.Is(err, fs.ErrNotExist) {
		// Best effort: the tag is a courtesy, not part of the cache.
		_ = os.WriteFile(tag, []byte(cachedirTag), 0o666)
	}
	c.mu.Lock()
	c.dirDone = true
	c.mu.Unlock()
	return nil
}

const cachedirTag = "Signature: 8a477f597d28d172789f06886806bc55\n" +
	"# This file is a cache directory tag created by dataopsgen (rule tests that passed).\n" +
	"# For information about cache directory tags see https://bford.info/cachedir/\n"
