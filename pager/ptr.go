package pager

import (
	"os"
	"unsafe"
)

// ptrOf returns the address of b's first element (b must not be empty).
func ptrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

// isAligned reports whether b starts at a multiple of a.
func isAligned(b []byte, a int64) bool { return len(b) > 0 && int64(ptrOf(b))&(a-1) == 0 }

// alignSlice returns the suffix of b starting at the first multiple of a; b
// must be at least a bytes longer than the caller needs.
func alignSlice(b []byte, a int64) []byte {
	skip := alignUp(int64(ptrOf(b)), a) - int64(ptrOf(b))
	return b[skip:]
}

// pageSizeOS is the OS page size.
var pageSizeOS = int64(os.Getpagesize())
