//go:build !linux

package output

import (
	"errors"
	"os"
)

// swap puts the new tree at tmp in place of dir, leaving the old tree at
// tmp. Outside Linux there is no portable atomic exchange of two
// directories: two renames (swapByRenames).
func swap(tmp, dir string) error {
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		return os.Rename(tmp, dir)
	}
	return swapByRenames(tmp, dir)
}
