// Package testbin gives tests the real programs they cross-check against,
// built from this module's own dependencies, so a test never skips for
// want of one.
package testbin

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// PrometheusBuildTags are the tags e2e/harness builds Prometheus and
// promtool with; the same tags let both share one binary and build cache.
const PrometheusBuildTags = "remove_all_sd,enable_kubernetes_sd"

var promtool struct {
	once sync.Once
	path string
	err  error
}

// Promtool returns the promtool to cross-check with: $PROMTOOL when set,
// else promtool of the github.com/prometheus/prometheus version this
// module's go.mod requires, built (once per test binary; go build leaves
// an up-to-date binary alone) into $DATAOPSGEN_E2E_BIN or
// <user cache dir>/dataopsgen-e2e, where the end-to-end suite finds it
// too. A failed build fails the test: the cross-check is never skipped.
func Promtool(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("PROMTOOL"); p != "" {
		return p
	}
	promtool.once.Do(func() { promtool.path, promtool.err = buildPromtool() })
	if promtool.err != nil {
		t.Fatalf("promtool for the cross-check (set $PROMTOOL to use another): %v", promtool.err)
	}
	return promtool.path
}

func buildPromtool() (string, error) {
	dir := os.Getenv("DATAOPSGEN_E2E_BIN")
	if dir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no cache dir (set DATAOPSGEN_E2E_BIN): %w", err)
		}
		dir = filepath.Join(c, "dataopsgen-e2e")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	goCmd := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		if goCmd, err = exec.LookPath("go"); err != nil {
			return "", fmt.Errorf("go command not found: %w", err)
		}
	}
	// The module root: go.mod of the package under test's module.
	out, err := exec.Command(goCmd, "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	// One build at a time per directory (test binaries of several packages,
	// and the end-to-end suite's harness, which takes the same lock).
	lock, err := os.OpenFile(filepath.Join(dir, ".build.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("lock %s: %w", lock.Name(), err)
	}
	bin := filepath.Join(dir, "promtool")
	cmd := exec.Command(goCmd, "build", "-tags", PrometheusBuildTags, "-o", bin, "github.com/prometheus/prometheus/cmd/promtool")
	cmd.Dir = root
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build promtool (in %s): %w\n%s", root, err, log.String())
	}
	return bin, nil
}
