package pager

import "fmt"

// Range is a byte range [Off, Off+Len) of the file. It need not be page
// aligned (GGUF aligns tensors to 32 bytes). The zero value is the empty range
// at offset 0.
type Range struct {
	Off, Len int64
}

// End returns Off+Len.
func (r Range) End() int64 { return r.Off + r.Len }

// String formats the range as [off, end).
func (r Range) String() string { return fmt.Sprintf("[%d, %d)", r.Off, r.End()) }

// within reports an error naming r if it is negative or ends past size.
func (r Range) within(size int64) error {
	if r.Off < 0 || r.Len < 0 || r.Off > size || r.Len > size-r.Off {
		return fmt.Errorf("pager: range %v outside file of %d bytes: %w", r, size, ErrOutOfRange)
	}
	return nil
}

func isPow2(x int64) bool { return x > 0 && x&(x-1) == 0 }

// alignDown rounds x down to a multiple of a (a power of two).
func alignDown(x, a int64) int64 { return x &^ (a - 1) }

// alignUp rounds x up to a multiple of a (a power of two).
func alignUp(x, a int64) int64 { return (x + a - 1) &^ (a - 1) }

// pageSpan returns the page indexes [first, end) that r touches with page
// size ps; an empty range touches no page.
func pageSpan(r Range, ps int64) (first, end int64) {
	if r.Len <= 0 {
		return 0, 0
	}
	return r.Off / ps, (r.End() + ps - 1) / ps
}

// alignedSpan returns the smallest a-aligned range covering r and the offset
// of r inside it.
func alignedSpan(r Range, a int64) (span Range, skip int64) {
	start := alignDown(r.Off, a)
	end := alignUp(r.End(), a)
	return Range{Off: start, Len: end - start}, r.Off - start
}
