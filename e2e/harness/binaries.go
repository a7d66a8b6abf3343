// Package harness runs the real monitoring stack for the end-to-end test:
// it builds Prometheus and promtool from the module's own
// github.com/prometheus/prometheus dependency, finds Alertmanager, turns a
// compiled overlay into the configuration files those processes read, starts
// them, and queries their HTTP APIs.
package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/dataopsgen/dataopsgen/internal/testbin"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// PrometheusBuildTags are the tags Prometheus and promtool are built with:
// every service discovery removed except Kubernetes.
const PrometheusBuildTags = testbin.PrometheusBuildTags

// RepoRoot returns the directory of the dataopsgen go.mod, searching upward
// from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module github.com/dataopsgen/dataopsgen\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod of github.com/dataopsgen/dataopsgen not found above the working directory")
		}
		dir = parent
	}
}

// GoCommand returns the go command: $GOROOT/bin/go when it exists (the one
// running the test), else go from PATH.
func GoCommand() (string, error) {
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return exec.LookPath("go")
}

// BinDir is where built binaries are cached: $DATAOPSGEN_E2E_BIN, else
// <user cache dir>/dataopsgen-e2e.
func BinDir() (string, error) {
	if d := os.Getenv("DATAOPSGEN_E2E_BIN"); d != "" {
		return filepath.Abs(d)
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache dir (set DATAOPSGEN_E2E_BIN): %w", err)
	}
	return filepath.Join(c, "dataopsgen-e2e"), nil
}

// BuildPrometheus builds cmd/prometheus and cmd/promtool of the
// github.com/prometheus/prometheus version that repoRoot's go.mod requires,
// into dir. The Go build cache makes a rebuild take seconds; go build leaves
// an up-to-date binary untouched.
func BuildPrometheus(ctx context.Context, repoRoot, dir string, logf func(string, ...any)) (prometheus, promtool string, err error) {
	goCmd, err := GoCommand()
	if err != nil {
		return "", "", fmt.Errorf("go command not found: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	// One build at a time per cache dir (concurrent test runs): the second
	// then finds the binaries up to date.
	lock, err := os.OpenFile(filepath.Join(dir, ".build.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", "", fmt.Errorf("lock %s: %w", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // released on close anyway.
	start := time.Now()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-tags", PrometheusBuildTags, "-o", dir+string(filepath.Separator),
		"github.com/prometheus/prometheus/cmd/prometheus",
		"github.com/prometheus/prometheus/cmd/promtool")
	cmd.Dir = repoRoot
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", "", fmt.Errorf("go build prometheus, promtool (in %s): %w\n%s", repoRoot, err, out.String())
	}
	if logf != nil {
		logf("built prometheus and promtool into %s in %s", dir, time.Since(start).Round(time.Millisecond))
	}
	return filepath.Join(dir, "prometheus"), filepath.Join(dir, "promtool"), nil
}

// BuildCommand builds a main package of the module (e.g. ./cmd/dataopsgen)
// to dir/name.
func BuildCommand(ctx context.Context, repoRoot, pkg, out string) error {
	goCmd, err := GoCommand()
	if err != nil {
		return fmt.Errorf("go command not found: %w", err)
	}
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", out, pkg)
	cmd.Dir = repoRoot
	b, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}
