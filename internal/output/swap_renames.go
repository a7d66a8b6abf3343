package output

import "os"

// swapByRenames exchanges tmp and dir with three renames through
// tmp+".old": dir away, tmp in, the old tree to tmp. Not atomic: a process
// killed between the first two leaves no dir (the old tree is at
// tmp+".old", which the next Write removes as a leftover). Only for file
// systems without an atomic exchange.
func swapByRenames(tmp, dir string) error {
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir) // put the previous output back
		return err
	}
	return os.Rename(old, tmp)
}
