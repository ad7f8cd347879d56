//go:build linux

package bench

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// DropPageCache asks the kernel to drop path's cached pages
// (POSIX_FADV_DONTNEED over the whole file), so the next scenario starts
// cold. Dirty or mapped pages may stay; it is advice.
func DropPageCache(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("drop page cache: %w", err)
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		return fmt.Errorf("drop page cache of %s: %w", path, err)
	}
	return nil
}
