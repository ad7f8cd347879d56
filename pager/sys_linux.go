package pager

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// errPopulateUnsupported reports that MADV_POPULATE_READ is unavailable.
var errPopulateUnsupported = errors.New("MADV_POPULATE_READ unsupported")

// mapFile maps size bytes of fh read-only and shared.
func mapFile(fh *os.File, size int64) ([]byte, func() error, error) {
	if size == 0 {
		return nil, nil, nil
	}
	if size != int64(int(size)) {
		return nil, nil, fmt.Errorf("file of %d bytes does not fit the address space", size)
	}
	b, err := unix.Mmap(int(fh.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return b, func() error { return unix.Munmap(b) }, nil
}

// openDirect opens path with O_DIRECT.
func openDirect(open func(string, int, os.FileMode) (*os.File, error), path string) (*os.File, error) {
	return open(path, os.O_RDONLY|unix.O_DIRECT, 0)
}

// madvisePopulate faults b in (EINTR and EAGAIN retried). EINVAL means the
// kernel predates MADV_POPULATE_READ; EFAULT means a page could not be read.
func madvisePopulate(b []byte) error {
	for {
		err := unix.Madvise(b, unix.MADV_POPULATE_READ)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR), errors.Is(err, unix.EAGAIN):
			continue
		case errors.Is(err, unix.EINVAL):
			return errPopulateUnsupported
		case errors.Is(err, unix.EFAULT):
			return fmt.Errorf("madvise(MADV_POPULATE_READ): %w: %w", err, ErrFault)
		}
		return fmt.Errorf("madvise(MADV_POPULATE_READ): %w", err)
	}
}

func madviseRandom(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	return unix.Madvise(b, unix.MADV_RANDOM)
}

func madviseWillNeed(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	return unix.Madvise(b, unix.MADV_WILLNEED)
}

func madviseDontNeed(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	return unix.Madvise(b, unix.MADV_DONTNEED)
}

func fadviseDontNeed(fh *os.File, off, n int64) error {
	return unix.Fadvise(int(fh.Fd()), off, n, unix.FADV_DONTNEED)
}

// pread reads once at off, retrying EINTR. n == 0 with a nil error is end of
// file.
func pread(fh *os.File, b []byte, off int64) (int, error) {
	fd := int(fh.Fd())
	for {
		n, err := unix.Pread(fd, b, off)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if n < 0 {
			n = 0
		}
		return n, err
	}
}

// isDirectRefused reports whether err is the EINVAL an O_DIRECT read returns
// on a file system or buffer it does not accept.
func isDirectRefused(err error) bool { return errors.Is(err, unix.EINVAL) }
