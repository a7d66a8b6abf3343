package testcache

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// newTest is a cache in a fresh directory with a fixed binary identity.
func newTest(t *testing.T) *Cache {
	t.Helper()
	c := New(filepath.Join(t.TempDir(), "cache"))
	c.id = func() ([]byte, error) { return []byte("binary-1"), nil }
	return c
}

func overlay() fstest.MapFS {
	return fstest.MapFS{
		"tests/a.test.yaml":        {Data: []byte("rule_files: [rules/a.rules.yaml]\n")},
		"tests/rules/a.rules.yaml": {Data: []byte("groups: [a]\n")},
		"tests/rules/b.rules.yaml": {Data: []byte("groups: [b]\n")},
		"config/other.yaml":        {Data: []byte("other\n")},
	}
}

// TestKeyCoversEveryInput: changing any input of a test's outcome changes
// its key; changing anything else does not.
func TestKeyCoversEveryInput(t *testing.T) {
	type input struct {
		fsys     fstest.MapFS
		name     string
		patterns []string
		id       string
		godebug  string
	}
	base := func() input {
		return input{overlay(), "tests/a.test.yaml", []string{"rules/*.yaml"}, "binary-1", ""}
	}
	key := func(t *testing.T, in input) Key {
		t.Helper()
		t.Setenv("GODEBUG", in.godebug)
		c := newTest(t)
		c.id = func() ([]byte, error) { return []byte(in.id), nil }
		k, ok := c.TestFile(in.fsys, in.name, in.fsys[in.name].Data, in.patterns)
		if !ok {
			t.Fatalf("no key for %+v (%v)", in, c.Err())
		}
		return k
	}
	want := key(t, base())
	if again := key(t, base()); again != want {
		t.Fatalf("the same inputs give two keys: %s, %s", want, again)
	}
	changes := map[string]func(*input){
		"test bytes": func(in *input) { in.fsys[in.name] = &fstest.MapFile{Data: []byte("rule_files: [rules/*.yaml]\n")} },
		"test path":  func(in *input) { in.fsys["tests/z.test.yaml"] = in.fsys[in.name]; in.name = "tests/z.test.yaml" },
		"rule bytes": func(in *input) { in.fsys["tests/rules/b.rules.yaml"] = &fstest.MapFile{Data: []byte("groups: [c]\n")} },
		"rule path": func(in *input) {
			in.fsys["tests/rules/c.rules.yaml"] = in.fsys["tests/rules/b.rules.yaml"]
			delete(in.fsys, "tests/rules/b.rules.yaml")
		},
		"rule file added":   func(in *input) { in.fsys["tests/rules/c.rules.yaml"] = &fstest.MapFile{Data: []byte("groups: [c]\n")} },
		"rule file removed": func(in *input) { delete(in.fsys, "tests/rules/b.rules.yaml") },
		"patterns":          func(in *input) { in.patterns = []string{"rules/a.rules.yaml"} },
		"pattern order":     func(in *input) { in.patterns = []string{"rules/b.rules.yaml", "rules/a.rules.yaml"} },
		"binary":            func(in *input) { in.id = "binary-2" },
		"GODEBUG":           func(in *input) { in.godebug = "panicnil=1" },
	}
	seen := map[Key]string{want: "base"}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			in := base()
			change(&in)
			k := key(t, in)
			if other, dup := seen[k]; dup {
				t.Errorf("key of %q is the key of %q", name, other)
			}
			seen[k] = name
		})
	}
	t.Run("unrelated file", func(t *testing.T) {
		in := base()
		in.fsys["config/other.yaml"] = &fstest.MapFile{Data: []byte("changed\n")}
		in.fsys["tests/b.test.yaml"] = &fstest.MapFile{Data: []byte("x\n")}
		if k := key(t, in); k != want {
			t.Error("a file the test does not read changed its key")
		}
	})
}

// TestNoKey: without every input, there is no key, and so no caching.
func TestNoKey(t *testing.T) {
	fsys := overlay()
	data := fsys["tests/a.test.yaml"].Data
	c := newTest(t)
	for _, patterns := range [][]string{{"rules/none*.yaml"}, {"rules/["}} {
		if _, ok := c.TestFile(fsys, "tests/a.test.yaml", data, patterns); ok {
			t.Errorf("key for rule_files %q", patterns)
		}
	}
	if c.Err() != nil {
		t.Errorf("a test's own problem is a cache problem: %v", c.Err())
	}
	c.id = func() ([]byte, error) { return nil, errors.New("no executable") }
	if _, ok := c.TestFile(fsys, "tests/a.test.yaml", data, nil); ok {
		t.Error("key without the binary's identity")
	}
	if c.Err() == nil || !strings.Contains(c.Err().Error(), "no executable") {
		t.Errorf("Err = %v, want the identity's problem", c.Err())
	}
	var off *Cache
	if _, ok := off.TestFile(fsys, "tests/a.test.yaml", data, nil); ok || off.On() || off.Err() != nil {
		t.Error("a nil cache is not off")
	}
	off.Put(Key{1})
	off.Trim()
}

func TestPassed(t *testing.T) {
	c := newTest(t)
	k1, k2 := Key{1}, Key{2}
	if c.Passed(k1) {
		t.Fatal("empty cache has k1")
	}
	c.Put(k1)
	if !c.Passed(k1) || c.Passed(k2) {
		t.Fatal("after Put(k1): want k1 and not k2")
	}
	// Another process (another Cache) on the same directory sees it.
	if !New(c.dir).Passed(k1) {
		t.Error("a second cache on the directory misses k1")
	}
	// A truncated or foreign entry is a miss, and Put repairs it.
	if err := os.WriteFile(c.path(k1), []byte("dataopsgen"), 0o666); err != nil {
		t.Fatal(err)
	}
	if c.Passed(k1) {
		t.Error("truncated entry is a pass")
	}
	c.Put(k1)
	if !c.Passed(k1) || c.Err() != nil {
		t.Errorf("Put did not repair the entry (%v)", c.Err())
	}
	if _, err := os.Stat(filepath.Join(c.dir, "CACHEDIR.TAG")); err != nil {
		t.Error(err)
	}
}

// TestConcurrentWriters: builds sharing the cache write the same and
// different keys at once; every entry is whole afterwards, no temporary
// file is left, and nobody saw a problem.
func TestConcurrentWriters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	caches := []*Cache{New(dir), New(dir), New(dir), New(dir)}
	var wg sync.WaitGroup
	for w, c := range caches {
		for i := range 200 {
			wg.Go(func() {
				k := Key{1, byte(i), byte(i >> 8)}
				c.Put(k)
				if !c.Passed(k) {
					t.Errorf("writer %d: key %d missing right after Put", w, i)
				}
				c.Put(Key{0xff, byte(w), byte(i)}) // one only this writer has
			})
		}
	}
	wg.Wait()
	for w, c := range caches {
		if err := c.Err(); err != nil {
			t.Errorf("writer %d: %v", w, err)
		}
		for i := range 200 {
			if !caches[0].Passed(Key{1, byte(i), byte(i >> 8)}) || !caches[0].Passed(Key{0xff, byte(w), byte(i)}) {
				t.Fatalf("entry %d of writer %d missing", i, w)
			}
		}
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, "*", tmpPrefix+"*"))
	if len(tmps) > 0 {
		t.Errorf("temporary files left: %q", tmps)
	}
}

// TestUnusableDirDegrades: a cache that cannot be read or written has
// nothing, records the problem once, and never panics.
func TestUnusableDirDegrades(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("not a directory"), 0o666); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{file, filepath.Join(file, "cache")} {
		c := New(dir)
		c.id = func() ([]byte, error) { return []byte("b"), nil }
		c.Put(Key{1})
		if c.Passed(Key{1}) {
			t.Errorf("%s: a pass from an unusable cache", dir)
		}
		c.Trim()
		if c.Err() == nil {
			t.Errorf("%s: no problem recorded", dir)
		}
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		env     string
		on      bool
		problem string
	}{
		{env: "off"},
		{env: dir, on: true},
		{env: "relative/dir", problem: "not an absolute path"},
	} {
		t.Setenv(Env, tc.env)
		c := Open()
		if c.On() != tc.on || c.On() && c.Dir() != tc.env {
			t.Errorf("%s=%s: on %v, dir %q", Env, tc.env, c.On(), c.Dir())
		}
		if err := c.Err(); (err == nil) != (tc.problem == "") || err != nil && !strings.Contains(err.Error(), tc.problem) {
			t.Errorf("%s=%s: Err %v, want %q", Env, tc.env, err, tc.problem)
		}
	}
	// Unset: the user's cache directory (here a temporary XDG one).
	t.Setenv(Env, "")
	t.Setenv("XDG_CACHE_HOME", dir)
	if c := Open(); c.Dir() != filepath.Join(dir, "dataopsgen") {
		t.Errorf("default dir %q", c.Dir())
	}
}

// TestTrim: entries unused for trimLimit go, used ones stay (a hit
// refreshes an old entry), and the walk happens at most once a day.
func TestTrim(t *testing.T) {
	c := newTest(t)
	now := time.Now()
	c.now = func() time.Time { return now }
	used, stale, fresh := Key{1}, Key{2}, Key{3}
	for _, k := range []Key{used, stale, fresh} {
		c.Put(k)
	}
	old := now.Add(-trimLimit - time.Hour)
	for _, k := range []Key{used, stale} {
		if err := os.Chtimes(c.path(k), old, old); err != nil {
			t.Fatal(err)
		}
	}
	tmp := filepath.Join(filepath.Dir(c.path(stale)), tmpPrefix+"abandoned")
	if err := os.WriteFile(tmp, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(tmp, old, old)
	foreign := filepath.Join(filepath.Dir(c.path(stale)), "notes.txt")
	if err := os.WriteFile(foreign, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(foreign, old, old)

	if !c.Passed(used) {
		t.Fatal("used entry missing")
	}
	c.Trim()
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	if !exists(c.path(used)) || !exists(c.path(fresh)) {
		t.Error("trim removed an entry in use")
	}
	if exists(c.path(stale)) || exists(tmp) {
		t.Error("trim kept an unused entry or temporary file")
	}
	if !exists(foreign) {
		t.Error("trim removed a file that is not the cache's")
	}

	// Within a day, no walk: an old entry survives; a day later it goes.
	c.Put(stale)
	os.Chtimes(c.path(stale), old, old)
	now = now.Add(trimInterval - time.Minute)
	c.Trim()
	if !exists(c.path(stale)) {
		t.Error("trim walked twice within trimInterval")
	}
	now = now.Add(2 * time.Minute)
	c.Trim()
	if exists(c.path(stale)) {
		t.Error("trim did not walk after trimInterval")
	}
	if err := c.Err(); err != nil {
		t.Error(err)
	}
}

// TestBinaryID: the identity is the Go build ID `go tool buildid` reads.
func TestBinaryID(t *testing.T) {
	id, err := binaryID()
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid: %v", err)
	}
	if want := fmt.Sprintf("go-buildid:%s", strings.TrimSpace(string(out))); string(id) != want {
		t.Errorf("binaryID = %q, want %q", id, want)
	}
}
