//go:build !unix

package pager

import (
	"errors"
	"os"
)

// allocAnon returns n zeroed bytes aligned to the OS page size. Without
// anonymous mmap it uses the Go heap (non-moving), over-allocating to align.
func allocAnon(n int) ([]byte, func() error, error) {
	page := int64(os.Getpagesize())
	raw := make([]byte, n+int(page))
	b := alignSlice(raw, page)[:n:n]
	return b, func() error { return nil }, nil
}

// lockMem is unsupported without mlock.
func lockMem([]byte) error { return errors.ErrUnsupported }
