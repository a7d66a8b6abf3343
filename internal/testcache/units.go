package testcache

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// A compilation unit is what one part of the spec (a workload) compiles to
// on its own: generated files that depend only on that part and on the
// spec's settings. Its entry holds the files' bytes, under a key of
// everything they were generated from, so that a rebuild takes an unchanged
// workload's files from here instead of generating them again. Unit keys
// and test-pass keys live side by side in the same directories (and are
// trimmed alike): their hashes start with different kinds, so they never
// meet.

// Unit is the key of the unit of kind (the generator's name for it) whose
// inputs are the canonical bytes of everything it is generated from. Like
// every key it also covers Version and the running binary's identity
// (the generators and their data, the presets, are compiled into it). ok is
// false when the cache is off or the binary has no identity.
func (c *Cache) Unit(kind string, inputs []byte) (k Key, ok bool) {
	if !c.On() {
		return Key{}, false
	}
	h, ok := c.hasher()
	if !ok {
		return Key{}, false
	}
	h.add("unit", kind, inputs)
	return h.sum(), true
}

// unitHeader starts a unit entry: the key again, so that a truncated or
// foreign file (or a test-pass entry) is a miss.
func unitHeader(k Key) []byte {
	return fmt.Appendf(nil, "dataopsgen unit v%d %s\n", Version, k)
}

// Load returns the bytes stored under the unit key k, and marks the entry
// used. A missing, foreign or unreadable entry is a miss.
func (c *Cache) Load(k Key) ([]byte, bool) {
	if !c.On() || k.zero() {
		return nil, false
	}
	p := c.path(k)
	data, err := os.ReadFile(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.fail(err)
		}
		return nil, false
	}
	rest, ok := bytes.CutPrefix(data, unitHeader(k))
	if !ok {
		return nil, false
	}
	c.touch(p)
	return rest, true
}

// Store keeps data under the unit key k (written whole, then renamed into
// place, as Put).
func (c *Cache) Store(k Key, data []byte) {
	if !c.On() || k.zero() {
		return
	}
	if err := c.write(k, append(unitHeader(k), data...)); err != nil {
		c.fail(err)
	}
}
