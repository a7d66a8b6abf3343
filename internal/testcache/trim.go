package testcache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// trimStamp holds the Unix time of the last trim.
const trimStamp = "trim.txt"

// Trim removes the entries (and abandoned temporary files) not used for
// trimLimit. It walks the cache at most once per trimInterval, whichever
// process gets there first: a build usually costs one small read.
func (c *Cache) Trim() {
	if !c.On() {
		return
	}
	now := c.now()
	stamp := filepath.Join(c.dir, trimStamp)
	data, err := os.ReadFile(stamp)
	switch {
	case err == nil:
		if t, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil {
			if d := now.Sub(time.Unix(t, 0)); d >= 0 && d < trimInterval {
				return
			}
		}
	case errors.Is(err, fs.ErrNotExist):
		if _, err := os.Stat(c.dir); errors.Is(err, fs.ErrNotExist) {
			return // nothing cached yet
		}
	default:
		c.fail(err)
		return
	}
	// The stamp first: a concurrent build then skips the walk.
	if err := writeAtomic(stamp, []byte(strconv.FormatInt(now.Unix(), 10)+"\n")); err != nil {
		c.fail(err)
		return
	}
	subdirs, err := os.ReadDir(c.dir)
	if err != nil {
		c.fail(err)
		return
	}
	for _, sd := range subdirs {
		if !sd.IsDir() || !isHex(sd.Name(), 2) {
			continue
		}
		dir := filepath.Join(c.dir, sd.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			c.fail(err)
			continue
		}
		for _, f := range files {
			if !isHex(f.Name(), 2*len(Key{})) && !strings.HasPrefix(f.Name(), tmpPrefix) {
				continue // not ours
			}
			info, err := f.Info()
			if err != nil || now.Sub(info.ModTime()) <= trimLimit {
				continue // gone already, or in use
			}
			if err := os.Remove(filepath.Join(dir, f.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				c.fail(err)
			}
		}
	}
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

// writeAtomic writes name through a temporary file in its directory.
func writeAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), tmpPrefix+"*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	if err := errors.Join(werr, f.Close()); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
