package pager

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Populate makes the pages of rs resident in the mapping without faulting on
// any other thread. It first hints all of rs with MADV_WILLNEED (the kernel
// queues large asynchronous reads of exactly those pages, in parallel), then
// waits for each page with MADV_POPULATE_READ (Linux 5.14+), or, where the
// kernel refuses it, by touching one byte per page from the calling goroutine
// (call it from an I/O goroutine, never a compute one). It reads in ChunkSize steps and
// returns ctx.Err() between steps. If a page cannot be read (file truncated,
// I/O error: SIGBUS for a plain read) it returns an error wrapping ErrFault
// that names the range instead of crashing. Populate does not pin: Pin first
// if the pages must survive a concurrent Drop.
func (f *File) Populate(ctx context.Context, rs []Range) error {
	if err := f.enter(); err != nil {
		return err
	}
	defer f.leave()
	if err := f.checkRanges(rs); err != nil {
		return err
	}
	for _, r := range rs {
		first, end := pageSpan(r, f.pageSize)
		if err := madviseWillNeed(f.mapSpan(first, end)); err != nil {
			return fmt.Errorf("pager: populate %s range %v: willneed: %w", f.path, r, err)
		}
	}
	step := int64(f.cfg.ChunkSize) / f.pageSize
	for _, r := range rs {
		first, end := pageSpan(r, f.pageSize)
		for p := first; p < end; p += step {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := f.populate(f.mapSpan(p, min(p+step, end)), p*f.pageSize); err != nil {
				return fmt.Errorf("pager: populate %s range %v: %w", f.path, r, err)
			}
		}
	}
	return nil
}

// populate makes b (the mapping from file offset off) resident, preferring
// the kernel and falling back to touching.
func (f *File) populate(b []byte, off int64) error {
	if len(b) == 0 {
		return nil
	}
	if f.populateOK.Load() {
		err := madvisePopulate(b)
		if !errors.Is(err, errPopulateUnsupported) {
			return err
		}
		f.populateOK.Store(false)
	}
	return touchPages(b, f.osPage, off)
}

// touchPages reads one byte of every page of b (the mapping from file offset
// off), turning a fault (SIGBUS on a truncated file) into an error wrapping
// ErrFault that names the file offset.
func touchPages(b []byte, page, off int64) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		_, isRuntime := r.(runtime.Error)
		addr, hasAddr := r.(interface{ Addr() uintptr })
		if !isRuntime || !hasAddr {
			panic(r)
		}
		at := off + int64(addr.Addr()-ptrOf(b))
		err = fmt.Errorf("memory fault touching file offset %d (file truncated?): %w", at, ErrFault)
	}()
	var sink byte
	for i := int64(0); i < int64(len(b)); i += page {
		sink += b[i]
	}
	touchSink = sink
	return nil
}

// touchSink keeps the compiler from discarding page touches.
var touchSink byte

// WillNeed hints the kernel to read the pages of rs in the background
// (MADV_WILLNEED); it returns at once. No-op on non-Linux systems.
func (f *File) WillNeed(rs []Range) error {
	if err := f.enter(); err != nil {
		return err
	}
	defer f.leave()
	if err := f.checkRanges(rs); err != nil {
		return err
	}
	for _, r := range rs {
		first, end := pageSpan(r, f.pageSize)
		if err := madviseWillNeed(f.mapSpan(first, end)); err != nil {
			return fmt.Errorf("pager: willneed %s range %v: %w", f.path, r, err)
		}
	}
	return nil
}

// Pin adds one pin to every page rs touch (a page touched by two ranges of rs
// gets two). Pinned pages are never released by Drop. Pin is bookkeeping
// only: it does not read anything.
func (f *File) Pin(rs []Range) error {
	if err := f.checkRanges(rs); err != nil {
		return err
	}
	f.pinMu.Lock()
	defer f.pinMu.Unlock()
	for _, r := range rs {
		first, end := pageSpan(r, f.pageSize)
		if err := f.pins.add(first, end, 1); err != nil {
			return err
		}
	}
	return nil
}

// Unpin removes the pins Pin(rs) added. It does not drop anything: call Drop
// to give back the pages whose count reached zero. Unpinning pages that are
// not pinned is refused with an error (earlier ranges of rs stay unpinned).
func (f *File) Unpin(rs []Range) error {
	if err := f.checkRanges(rs); err != nil {
		return err
	}
	f.pinMu.Lock()
	defer f.pinMu.Unlock()
	for _, r := range rs {
		first, end := pageSpan(r, f.pageSize)
		if err := f.pins.add(first, end, -1); err != nil {
			return fmt.Errorf("%w (range %v of %s)", err, r, f.path)
		}
	}
	return nil
}

// Pins returns the pin count of the page holding byte off.
func (f *File) Pins(off int64) int {
	f.pinMu.Lock()
	defer f.pinMu.Unlock()
	return int(f.pins.at(off / f.pageSize))
}

// Drop gives back the pages rs touch, except pages that are pinned and pages
// for which keep(pageOffset) returns true (keep may be nil; it is the escape
// hatch for callers that track residency themselves): MADV_DONTNEED on the
// mapping and POSIX_FADV_DONTNEED on the page cache, so the memory leaves both
// the process and the page cache (a file system such as tmpfs may keep it).
// The pin table lock is held across the advice calls, so a concurrent Pin of
// a page waits until Drop is done with it. No-op on non-Linux systems.
func (f *File) Drop(rs []Range, keep func(pageOff int64) bool) error {
	if err := f.enter(); err != nil {
		return err
	}
	defer f.leave()
	if err := f.checkRanges(rs); err != nil {
		return err
	}
	f.pinMu.Lock()
	defer f.pinMu.Unlock()
	var errs []error
	for _, r := range rs {
		first, end := pageSpan(r, f.pageSize)
		f.pins.each(first, end, func(a, b int64, n int32) {
			if n != 0 {
				return
			}
			f.keepRuns(a, b, keep, func(a, b int64) {
				if err := f.release(a, b); err != nil {
					errs = append(errs, fmt.Errorf("pager: drop %s range %v: %w", f.path, r, err))
				}
			})
		})
	}
	return errors.Join(errs...)
}

// keepRuns calls fn for the maximal runs of pages in [a, b) not kept.
func (f *File) keepRuns(a, b int64, keep func(int64) bool, fn func(a, b int64)) {
	if keep == nil {
		fn(a, b)
		return
	}
	start := int64(-1)
	for p := a; p < b; p++ {
		kept := keep(p * f.pageSize)
		switch {
		case kept && start >= 0:
			fn(start, p)
			start = -1
		case !kept && start < 0:
			start = p
		}
	}
	if start >= 0 {
		fn(start, b)
	}
}

// release advises the kernel to drop pages [a, b) from the mapping and the
// page cache.
func (f *File) release(a, b int64) error {
	span := f.mapSpan(a, b)
	if len(span) == 0 {
		return nil
	}
	err := madviseDontNeed(span)
	return errors.Join(err, fadviseDontNeed(f.buf, a*f.pageSize, int64(len(span))))
}
