package harness

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Tool is a program the tests need that is built from the Go module proxy in
// a tools module of its own (tools/<Module>/go.mod), so that the product's
// go.mod does not grow by its dependencies.
type Tool struct {
	// Module is the directory under tools/ that holds the go.mod.
	Module string
	// Package is the main package to build, as the tools module names it
	// (e.g. "helm.sh/helm/v4/cmd/helm").
	Package string
	// Name is the binary's file name in the cache dir.
	Name string
	// Tags and LDFlags are passed to go build when set.
	Tags, LDFlags string
}

// BuildTool builds t into dir (BinDir) and returns the binary's path. A lock
// file serialises concurrent test processes; the Go build cache makes an
// up-to-date rebuild take seconds.
func BuildTool(ctx context.Context, repoRoot, dir string, t Tool, logf func(string, ...any)) (string, error) {
	return buildGo(ctx, filepath.Join(repoRoot, "tools", t.Module), dir, t, logf)
}

// buildGo builds t.Package in the module at moduleDir into dir/t.Name.
func buildGo(ctx context.Context, moduleDir, dir string, t Tool, logf func(string, ...any)) (string, error) {
	goCmd, err := GoCommand()
	if err != nil {
		return "", fmt.Errorf("go command not found: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".build-"+t.Name+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("lock %s: %w", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // released on close anyway.
	out := filepath.Join(dir, t.Name)
	args := []string{"build", "-o", out}
	if t.Tags != "" {
		args = append(args, "-tags", t.Tags)
	}
	if t.LDFlags != "" {
		args = append(args, "-ldflags", t.LDFlags)
	}
	args = append(args, t.Package)
	start := time.Now()
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = moduleDir
	// A tools module is its own module: never the product's workspace.
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s (in %s): %w\n%s", t.Package, cmd.Dir, err, buf.String())
	}
	if logf != nil {
		logf("built %s into %s in %s", t.Name, out, time.Since(start).Round(time.Millisecond))
	}
	return out, nil
}
