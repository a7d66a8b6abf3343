// Package dataopsgen_test holds repository-wide tests: the README's layout
// table names every Go package of the module.
package dataopsgen_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReadmeNamesEveryPackage wants a row of README.md's layout table for
// every directory of the module that holds Go files, so that a newcomer
// reading it sees every package (and a new package cannot be added without
// saying what it is). tools/* are modules of their own; testdata and hidden
// directories hold no packages of ours.
func TestReadmeNamesEveryPackage(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for line := range strings.Lines(string(readme)) {
		if pkg, ok := strings.CutPrefix(line, "| `"); ok {
			if name, _, ok := strings.Cut(pkg, "` |"); ok {
				rows[name] = true
			}
		}
	}
	var missing, packages []string
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "tools" || name == "out" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if dir == "." || !strings.HasSuffix(path, ".go") || slices.Contains(packages, dir) {
			return nil
		}
		packages = append(packages, dir)
		if !rows[dir] {
			missing = append(missing, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(packages) < 40 {
		t.Fatalf("found only %d packages: is the walk broken? %v", len(packages), packages)
	}
	for _, m := range missing {
		t.Errorf("README.md's layout table has no row for package %s (add `| `%s` | what it is |`)", m, m)
	}
	for name := range rows {
		if strings.Contains(name, "/") && !slices.Contains(packages, name) && isPackagePath(name) {
			t.Errorf("README.md's layout table names %s, which is not a package of the module", name)
		}
	}
}

// isPackagePath reports whether a table cell looks like a package path of
// ours (and not a command or a file name in another table).
func isPackagePath(name string) bool {
	for _, root := range []string{"cmd/", "internal/", "generators/", "presets/", "e2e/"} {
		if strings.HasPrefix(name, root) && !strings.ContainsAny(name, " .*") {
			return true
		}
	}
	return false
}
