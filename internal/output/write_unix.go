//go:build unix

package output

import (
	"io"
	"io/fs"
	"syscall"
)

// writeFile is os.WriteFile(path, data, 0o644) with plain system calls.
// os.OpenFile offers every file to the runtime's poller, which refuses
// regular files: open, 4 fcntl, a failed epoll_ctl, write, close per file,
// of which only open, write and close are needed (thousands of files per
// build). Same flags, mode, errors (*fs.PathError) and no fsync, as before.
func writeFile(path string, data []byte) error {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
		return err
	})
	if err != nil {
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	for len(data) > 0 {
		var n int
		err = retryEINTR(func() (err error) {
			n, err = syscall.Write(fd, data)
			return err
		})
		if err != nil {
			syscall.Close(fd)
			return &fs.PathError{Op: "write", Path: path, Err: err}
		}
		if n == 0 {
			syscall.Close(fd)
			return &fs.PathError{Op: "write", Path: path, Err: io.ErrUnexpectedEOF} // as os.File.Write
		}
		data = data[n:]
	}
	if err := syscall.Close(fd); err != nil {
		return &fs.PathError{Op: "close", Path: path, Err: err}
	}
	return nil
}

func retryEINTR(f func() error) error {
	for {
		if err := f(); err != syscall.EINTR {
			return err
		}
	}
}
