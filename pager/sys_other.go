//go:build !linux

package pager

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/edsrzf/mmap-go"
)

// errPopulateUnsupported reports that the kernel cannot populate for us.
var errPopulateUnsupported = errors.New("populate unsupported")

// mapFile maps size bytes of fh read-only (mmap-go works on Windows too).
func mapFile(fh *os.File, size int64) ([]byte, func() error, error) {
	if size == 0 {
		return nil, nil, nil
	}
	if size != int64(int(size)) {
		return nil, nil, fmt.Errorf("file of %d bytes does not fit the address space", size)
	}
	m, err := mmap.MapRegion(fh, int(size), mmap.RDONLY, 0, 0)
	if err != nil {
		return nil, nil, err
	}
	return m, m.Unmap, nil
}

// openDirect always refuses: other systems read through the page cache.
func openDirect(func(string, int, os.FileMode) (*os.File, error), string) (*os.File, error) {
	return nil, ErrDirectUnsupported
}

func madvisePopulate([]byte) error                 { return errPopulateUnsupported }
func madviseRandom([]byte) error                   { return nil }
func madviseWillNeed([]byte) error                 { return nil }
func madviseDontNeed([]byte) error                 { return nil }
func fadviseDontNeed(*os.File, int64, int64) error { return nil }

// pread reads at off; n == 0 with a nil error is end of file.
func pread(fh *os.File, b []byte, off int64) (int, error) {
	n, err := fh.ReadAt(b, off)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}

func isDirectRefused(error) bool { return false }
