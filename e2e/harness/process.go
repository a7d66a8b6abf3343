package harness

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Process is a child process whose output goes to a log file.
type Process struct {
	Name string
	Cmd  *exec.Cmd
	Log  string

	done    chan struct{}
	waitErr error
	once    sync.Once
}

// StartProcess starts bin with args, output to dir/<name>.log.
func StartProcess(name, dir, bin string, args ...string) (*Process, error) {
	return StartProcessEnv(name, dir, bin, nil, args...)
}

// StartProcessEnv is StartProcess with env (KEY=value) added to the test's
// environment.
func StartProcessEnv(name, dir, bin string, env []string, args ...string) (*Process, error) {
	logPath := filepath.Join(dir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Stdout, cmd.Stderr = f, f
	// Stopped by Stop in the test's cleanup; if the test binary dies first
	// (timeout panic, Ctrl-C), the kernel kills the child too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Process{Name: name, Cmd: cmd, Log: logPath, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

// Exited reports whether the process has ended, and how.
func (p *Process) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.waitErr
	default:
		return false, nil
	}
}

// Stop sends SIGTERM, then SIGKILL after grace, and waits for the process.
// It is safe to call more than once.
func (p *Process) Stop(grace time.Duration) {
	p.once.Do(func() {
		select {
		case <-p.done:
			return
		default:
		}
		_ = p.Cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(grace):
			_ = p.Cmd.Process.Kill()
			<-p.done
		}
	})
}

// Tail returns the last n lines of the log.
func (p *Process) Tail(n int) string {
	b, err := os.ReadFile(p.Log)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) { return FreePortOn("127.0.0.1") }

// FreePortOn returns a TCP port on the loopback address ip that was free a
// moment ago.
func FreePortOn(ip string) (int, error) {
	if a := net.ParseIP(ip); a == nil || !a.IsLoopback() {
		return 0, fmt.Errorf("%q is not a loopback address: the test listens on loopback only", ip)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
