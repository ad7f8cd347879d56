//go:build unix

package pager

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// allocAnon returns n bytes of zeroed anonymous memory outside the Go heap,
// aligned to the OS page size, and the function that frees it.
func allocAnon(n int) ([]byte, func() error, error) {
	b, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return nil, nil, fmt.Errorf("pager: mmap %d anonymous bytes: %w", n, err)
	}
	return b, func() error { return unix.Munmap(b) }, nil
}

// lockMem pins b in RAM (mlock).
func lockMem(b []byte) error { return unix.Mlock(b) }
