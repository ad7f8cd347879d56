package pager

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// Arena is a fixed block of page-aligned anonymous memory (outside the Go
// heap) handed out in page-aligned chunks: the owned destination of direct
// reads. Alloc and Free are safe for concurrent use; the caller owns each
// chunk until it Frees it, and must not use chunks after Close. Freed chunks
// stay resident (they are reused); the whole arena counts against a memory
// budget once touched. The zero value is not usable: call NewArena.
type Arena struct {
	mu     sync.Mutex
	mem    []byte
	size   int64
	free   func() error
	page   int64
	holes  []Range         // free spans, sorted by offset, coalesced
	used   map[int64]int64 // chunk offset -> chunk length
	inUse  int64
	closed bool
}

// NewArena maps size bytes (rounded up to the OS page size) of anonymous
// memory.
func NewArena(size int64) (*Arena, error) {
	if size <= 0 || size != int64(int(size)) {
		return nil, fmt.Errorf("pager: arena size %d invalid", size)
	}
	size = alignUp(size, pageSizeOS)
	mem, free, err := allocAnon(int(size))
	if err != nil {
		return nil, err
	}
	return &Arena{
		mem:   mem,
		size:  size,
		free:  free,
		page:  pageSizeOS,
		holes: []Range{{Off: 0, Len: size}},
		used:  map[int64]int64{},
	}, nil
}

// Size returns the arena size in bytes.
func (a *Arena) Size() int64 { return a.size }

// InUse returns the bytes of chunks allocated and not yet freed.
func (a *Arena) InUse() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.inUse
}

// Lock mlocks the whole arena so it cannot be swapped out (needs
// RLIMIT_MEMLOCK or CAP_IPC_LOCK).
func (a *Arena) Lock() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return fmt.Errorf("pager: arena: %w", ErrClosed)
	}
	if err := lockMem(a.mem); err != nil {
		return fmt.Errorf("pager: mlock arena of %d bytes: %w", len(a.mem), err)
	}
	return nil
}

// Alloc returns a chunk of n bytes (capacity rounded up to the page size)
// starting at a page boundary, first fit. It returns an error wrapping
// ErrArenaFull when no free span is large enough.
func (a *Arena) Alloc(n int64) ([]byte, error) {
	if n <= 0 {
		return nil, fmt.Errorf("pager: arena alloc of %d bytes", n)
	}
	need := alignUp(n, a.page)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, fmt.Errorf("pager: arena: %w", ErrClosed)
	}
	for i, h := range a.holes {
		if h.Len < need {
			continue
		}
		if h.Len == need {
			a.holes = slices.Delete(a.holes, i, i+1)
		} else {
			a.holes[i] = Range{Off: h.Off + need, Len: h.Len - need}
		}
		a.used[h.Off] = need
		a.inUse += need
		return a.mem[h.Off : h.Off+n : h.Off+need], nil
	}
	return nil, fmt.Errorf("pager: arena alloc of %d bytes (%d of %d in use): %w", n, a.inUse, len(a.mem), ErrArenaFull)
}

// Free returns a chunk obtained from Alloc (the slice Alloc returned, or any
// reslice starting at the same byte). Freeing anything else is an error.
func (a *Arena) Free(b []byte) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return fmt.Errorf("pager: arena: %w", ErrClosed)
	}
	if len(b) == 0 && cap(b) == 0 {
		return fmt.Errorf("pager: arena free of an empty slice")
	}
	off := int64(ptrOf(b[:1])) - int64(ptrOf(a.mem))
	n, ok := a.used[off]
	if !ok {
		return fmt.Errorf("pager: arena free of %#x: not an allocated chunk", ptrOf(b[:1]))
	}
	delete(a.used, off)
	a.inUse -= n
	a.addHole(Range{Off: off, Len: n})
	return nil
}

// addHole inserts h into the sorted hole list, merging with neighbours.
func (a *Arena) addHole(h Range) {
	i, _ := slices.BinarySearchFunc(a.holes, h.Off, func(x Range, off int64) int { return cmp.Compare(x.Off, off) })
	a.holes = slices.Insert(a.holes, i, h)
	if i+1 < len(a.holes) && a.holes[i].End() == a.holes[i+1].Off {
		a.holes[i].Len += a.holes[i+1].Len
		a.holes = slices.Delete(a.holes, i+1, i+2)
	}
	if i > 0 && a.holes[i-1].End() == a.holes[i].Off {
		a.holes[i-1].Len += a.holes[i].Len
		a.holes = slices.Delete(a.holes, i, i+1)
	}
}

// Close unmaps the arena. Chunks must no longer be used.
func (a *Arena) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return fmt.Errorf("pager: arena: %w", ErrClosed)
	}
	a.closed = true
	a.mem, a.holes, a.used = nil, nil, nil
	return a.free()
}
