package expertcache

import (
	"context"
	"fmt"
)

// Key names one routed expert: the MoE layer index and the expert index
// within the layer. Both must be non-negative.
type Key struct{ Layer, Expert int32 }

// String formats k as "layer/expert".
func (k Key) String() string { return fmt.Sprintf("%d/%d", k.Layer, k.Expert) }

// Expert is the weights of one expert. The slices belong to the cache (or to
// the Source's mapping) and are valid only while the Handle they came from is
// pinned; callers must not modify them.
type Expert struct{ Gate, Up, Down []byte }

// Source reads experts for the cache. Implementations must be safe for
// concurrent use: the cache calls Load from several goroutines at once (never
// twice at once for one key).
type Source interface {
	// Size is the number of bytes one expert costs against the budget
	// (len(Gate)+len(Up)+len(Down)), known without I/O. It must be positive
	// and constant for a key. It may be called with the cache lock held, so
	// it must not block or call into the Cache.
	Size(k Key) int64
	// Load fills dst.Gate, dst.Up and dst.Down with the expert's bytes and
	// returns nil, or returns an error and leaves nothing behind. It must
	// honour ctx. A Source that copies bytes takes memory from dst.Alloc (owned
	// by the cache); a Source that returns views into a mapping need not call
	// it and may keep per-load state in dst.Private.
	Load(ctx context.Context, k Key, dst *Buffer) error
}

// Releaser is implemented by a Source whose loads hold resources outside the
// cache's memory (e.g. mapped pages made resident). The cache calls Release
// exactly once for every Load that returned nil, after the entry has left the
// cache and its last pin is gone, without holding the cache's lock, in the
// goroutine whose eviction, Release or Close dropped it. The bytes stay
// budgeted until Release returns. The mmap backend gives the pages back here
// (MADV_DONTNEED, POSIX_FADV_DONTNEED).
type Releaser interface {
	Release(k Key, b *Buffer)
}

// Shaper is implemented by a Source that knows the length of each of the three
// slices. The cache then checks each slice after Load; otherwise it checks that
// the three lengths add up to Size. A mismatch is a short load (ErrShortLoad).
type Shaper interface {
	Shape(k Key) (gate, up, down int)
}

// Allocator provides the memory the cache lends to Source.Load. The pager's
// direct backend supplies a page-aligned arena; the default takes memory from
// the Go heap. Alloc must return a slice of length n; it is called without
// the cache lock. Free receives slices Alloc returned when the cache drops them
// from its free list; it may be called with the cache lock held (so that no
// Alloc can overtake it and overshoot the budget) and must be quick and never
// call into the Cache. Implementations must be safe for concurrent use.
type Allocator interface {
	Alloc(n int) []byte
	Free(b []byte)
}

// heapAllocator is the default Allocator: Go heap memory, returned to the
// runtime by the garbage collector (and to the OS by its scavenger).
type heapAllocator struct{}

func (heapAllocator) Alloc(n int) []byte { return make([]byte, n) }
func (heapAllocator) Free([]byte)        {}

// Buffer is what Source.Load fills for one key. The cache owns it; a Source
// must not keep a reference to it after Load returns, except through what it
// stores in Private and receives back in Releaser.Release.
type Buffer struct {
	// Gate, Up and Down are set by Load: either subslices of Alloc's memory or
	// views into memory the Source manages.
	Gate, Up, Down []byte
	// Private is the Source's per-load state, untouched by the cache.
	Private any

	alloc Allocator
	size  int64
	spare []byte // free-list buffer reserved for this load, if one was free
	mem   []byte // what Alloc returned
}

// Alloc returns Size() bytes of cache-owned memory for this load, reused
// from the cache's free list when a buffer of that size was free. Repeated
// calls return the same memory; its initial contents are unspecified. The
// bytes are budgeted whether or not Alloc is called. Only the goroutine
// running Load may call it.
func (b *Buffer) Alloc() []byte {
	if b.mem == nil {
		if b.spare != nil {
			b.mem, b.spare = b.spare, nil
		} else {
			b.mem = b.alloc.Alloc(int(b.size))
		}
	}
	return b.mem
}

// Size is the number of bytes this load is budgeted for.
func (b *Buffer) Size() int64 { return b.size }
