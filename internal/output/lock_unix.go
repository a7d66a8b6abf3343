//go:build unix

package output

import (
	"os"
	"syscall"
)

// lockDir takes an exclusive flock on the directory at path, held until
// unlock (or the process's death: the kernel releases it, which is what
// tells a dead build's leftovers from a running build's directory).
func lockDir(path string) (unlock func(), err error) { return flockDir(path, syscall.LOCK_EX) }

// tryLockDir is lockDir without waiting: an error when another process
// holds the lock.
func tryLockDir(path string) (unlock func(), err error) {
	return flockDir(path, syscall.LOCK_EX|syscall.LOCK_NB)
}

func flockDir(path string, how int) (func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := retryEINTR(func() error { return syscall.Flock(int(f.Fd()), how) }); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
