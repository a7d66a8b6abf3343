//go:build linux

package output

import (
	"bytes"
	"strconv"

	"golang.org/x/sys/unix"
)

// reuser links a new file to the old tree's file at the same path when
// that file holds exactly the new bytes, instead of writing them again.
// Any doubt (not a regular file, another mode or owner, another size or
// content, an error) writes the file as WriteCopies does.
type reuser struct{ buf []byte }

// link makes newPath a hard link to oldPath's file when it holds data, and
// reports whether it did. The file compared is the file linked: the link
// goes through the open descriptor (/proc/self/fd), so a concurrent
// replacement of oldPath cannot slip other bytes into the new tree.
func (r *reuser) link(oldPath, newPath string, data []byte) bool {
	fd, err := unix.Open(oldPath, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Mode&0o7777 != 0o644 ||
		st.Uid != uint32(unix.Geteuid()) || st.Size != int64(len(data)) {
		return false
	}
	if cap(r.buf) < len(data)+1 {
		r.buf = make([]byte, len(data)+1)
	}
	buf := r.buf[:len(data)+1] // one byte more: a file that grew is not the same
	n := 0
	for n < len(buf) {
		m, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return false
		}
		if m == 0 {
			break
		}
		n += m
	}
	if n != len(data) || !bytes.Equal(buf[:n], data) {
		return false
	}
	return unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), unix.AT_FDCWD, newPath, unix.AT_SYMLINK_FOLLOW) == nil
}
