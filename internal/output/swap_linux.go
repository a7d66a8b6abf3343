//go:build linux

package output

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// swap puts the new tree at tmp in place of dir. When dir exists, both are
// exchanged with one renameat2(RENAME_EXCHANGE): there is no moment at which
// dir is missing or partial, whenever the process dies (two renames, dir
// away then tmp in, leave no dir between them). tmp then holds the old
// tree, which Write removes. A symlink flip would also be atomic, but
// would make dir a symlink, which git (the overlay is committed) stores as
// a link, not as the tree.
//
// File systems without RENAME_EXCHANGE (EINVAL; ENOSYS before Linux 3.15)
// get the two renames (swapByRenames).
func swap(tmp, dir string) error {
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		// Nothing to keep: one rename. A dir made meanwhile by someone
		// else makes it fail (ENOTEMPTY) unless empty.
		return os.Rename(tmp, dir)
	}
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, dir, unix.RENAME_EXCHANGE)
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOSYS) {
		return swapByRenames(tmp, dir)
	}
	if err != nil {
		return &os.LinkError{Op: "renameat2 RENAME_EXCHANGE", Old: tmp, New: dir, Err: err}
	}
	return nil
}
