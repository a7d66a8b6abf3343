package cli

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dataopsgen/dataopsgen/internal/synth"
)

// TestKilledBuildLeavesOldOrNew kills real `dataopsgen build` processes
// (SIGKILL) at many points, half of them while the new tree is being
// written and swapped in, and checks that OUT is always the old tree or the
// new one, whole; and that the next build leaves nothing beside OUT.
func TestKilledBuildLeavesOldOrNew(t *testing.T) {
	work := t.TempDir()
	exe := filepath.Join(work, "dataopsgen")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// testscript.Main (TestMain) runs Main when the binary is called dataopsgen.
	if err := os.Symlink(self, exe); err != nil {
		t.Fatal(err)
	}
	// Two specs whose overlays differ; big enough that writing takes a while.
	specs := [2]string{filepath.Join(work, "a"), filepath.Join(work, "b")}
	for i, n := range []int{120, 130} {
		if err := os.MkdirAll(specs[i], 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range synth.Generate(n) {
			if err := os.WriteFile(filepath.Join(specs[i], f.Name), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	env := append(os.Environ(), "DATAOPSGEN_CACHE="+filepath.Join(work, "cache"))
	cmd := func(spec, out string) *exec.Cmd {
		c := exec.Command(exe, "build", spec, "-o", out)
		c.Env = env
		return c
	}
	run := func(spec, out string) time.Duration {
		t.Helper()
		start := time.Now()
		if b, err := cmd(spec, out).CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", spec, err, b)
		}
		return time.Since(start)
	}
	// The two trees, as whole builds write them (and a warm test cache).
	var trees [2]map[string]string
	var whole time.Duration
	for i, spec := range specs {
		ref := filepath.Join(work, fmt.Sprintf("ref%d", i))
		whole = max(whole, run(spec, ref))
		trees[i] = hashTree(t, ref)
	}
	out := filepath.Join(work, "out")
	run(specs[0], out)
	current := 0
	// How long writing takes: from the temporary directory's appearance
	// to the end of the process.
	writing := timeWrite(t, cmd(specs[1], out), work)
	current = 1
	if got := hashTree(t, out); !same(got, trees[1]) {
		t.Fatal("out is not the tree of spec b after a whole build")
	}

	rng := rand.New(rand.NewPCG(1, 2))
	kills := 40
	if testing.Short() {
		kills = 10
	}
	var switched, kept int
	for i := range kills {
		next := 1 - current
		c := cmd(specs[next], out)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		var at string
		if i%2 == 0 {
			d := time.Duration(rng.Int64N(int64(whole)))
			time.Sleep(d)
			at = fmt.Sprintf("%s after start", d)
		} else {
			waitTemp(work, time.Now().Add(2*whole))
			d := time.Duration(rng.Int64N(int64(writing) + 1))
			time.Sleep(d)
			at = fmt.Sprintf("%s after the temporary directory appeared", d)
		}
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
		got := hashTree(t, out)
		switch {
		case same(got, trees[next]):
			switched++
			current = next
		case same(got, trees[current]):
			kept++
		default:
			t.Fatalf("kill %d (%s): out is neither the old nor the new tree (%d files)", i, at, len(got))
		}
	}
	t.Logf("%d kills: out kept the old tree %d times, had the new one %d times", kills, kept, switched)
	if kept == 0 {
		t.Error("no kill landed before the swap: the test did not exercise an interrupted build")
	}
	// The next build cleans up what the killed ones left.
	run(specs[1-current], out)
	entries, err := os.ReadDir(work)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".out.") {
			t.Errorf("left beside out after a whole build: %s", e.Name())
		}
	}
}

// timeWrite runs c to completion and returns how long its temporary
// output directory existed before the process ended.
func timeWrite(t *testing.T, c *exec.Cmd, parent string) time.Duration {
	t.Helper()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	var appeared time.Time
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if appeared.IsZero() {
				t.Fatal("no temporary directory seen")
			}
			return time.Since(appeared)
		default:
		}
		if appeared.IsZero() && hasTemp(parent) {
			appeared = time.Now()
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func hasTemp(parent string) bool {
	m, _ := filepath.Glob(filepath.Join(parent, ".out.new-*"))
	return len(m) > 0
}

func waitTemp(parent string, deadline time.Time) {
	for !hasTemp(parent) && time.Now().Before(deadline) {
		time.Sleep(200 * time.Microsecond)
	}
}

func hashTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = fmt.Sprintf("%x", sha256.Sum256(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
