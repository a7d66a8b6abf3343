package output

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile must do what os.WriteFile(path, data, 0o644) does: same
// contents, mode (after umask), truncation, and errors.
func TestWriteFileLikeOS(t *testing.T) {
	dir := t.TempDir()
	for _, data := range [][]byte{nil, []byte("x"), bytes.Repeat([]byte("0123456789"), 1<<17)} {
		mine, theirs := filepath.Join(dir, "mine"), filepath.Join(dir, "theirs")
		// Longer previous contents: both must truncate.
		for _, p := range []string{mine, theirs} {
			if err := os.WriteFile(p, []byte(strings.Repeat("old", 1<<19)), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := writeFile(mine, data); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(theirs, data, 0o644); err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(mine)
		b, _ := os.ReadFile(theirs)
		if !bytes.Equal(a, data) || !bytes.Equal(b, data) {
			t.Errorf("%d bytes: contents differ", len(data))
		}
	}
	// New files: same mode.
	mine, theirs := filepath.Join(dir, "new-mine"), filepath.Join(dir, "new-theirs")
	if err := writeFile(mine, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(theirs, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	sa, _ := os.Stat(mine)
	sb, _ := os.Stat(theirs)
	if sa.Mode() != sb.Mode() {
		t.Errorf("mode %v, os.WriteFile's %v", sa.Mode(), sb.Mode())
	}
	// A missing directory: the same error.
	missing := filepath.Join(dir, "no", "such")
	e1, e2 := writeFile(missing, nil), os.WriteFile(missing, nil, 0o644)
	if e1 == nil || e2 == nil || e1.Error() != e2.Error() {
		t.Errorf("error %v, os.WriteFile's %v", e1, e2)
	}
}
