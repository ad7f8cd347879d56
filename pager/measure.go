package pager

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// MeasureDirectRead measures the O_DIRECT sequential read bandwidth of the
// disk holding path: it reads total bytes in blockSize blocks (blockSize is
// rounded up to the OS page size) from a random block-aligned offset,
// wrapping around at the end of the file, into an aligned arena, and returns
// bytes per second. The random start keeps repeated measurements from
// rereading what an earlier one left in a cache below the OS (a VM host's
// disk cache served a fixed offset 0 at 2 GB/s where the disk gave 0.6). It returns an
// error wrapping ErrDirectUnsupported when the file system refuses O_DIRECT
// (a buffered figure would measure the page cache, not the disk). Each call
// opens and closes the file; it is safe for concurrent use but concurrent
// calls share the disk.
func MeasureDirectRead(path string, blockSize int, total int64) (float64, error) {
	if blockSize <= 0 || total <= 0 {
		return 0, fmt.Errorf("pager: measure %s: block size %d and total %d must be positive", path, blockSize, total)
	}
	f, err := Open(path, Config{Backend: Direct, ChunkSize: blockSize, ScratchBuffers: 1})
	if err != nil {
		return 0, err
	}
	defer f.Close()
	block := alignUp(int64(blockSize), f.DirectAlign())
	if !f.DirectActive() {
		return 0, fmt.Errorf("pager: measure %s: %w", path, ErrDirectUnsupported)
	}
	if f.Size() < block {
		return 0, fmt.Errorf("pager: measure %s: file of %d bytes is smaller than one %d-byte block", path, f.Size(), block)
	}
	a, err := NewArena(block)
	if err != nil {
		return 0, err
	}
	defer a.Close()
	buf, err := a.Alloc(block)
	if err != nil {
		return 0, err
	}
	ctx := context.Background()
	var done int64
	off := rand.Int64N(f.Size()/block) * block
	start := time.Now()
	for done < total {
		if off+block > f.Size() {
			off = 0
		}
		if _, err := f.ReadAligned(ctx, Range{Off: off, Len: block}, buf); err != nil {
			return 0, err
		}
		if !f.DirectActive() {
			return 0, fmt.Errorf("pager: measure %s: %w", path, ErrDirectUnsupported)
		}
		off += block
		done += block
	}
	return float64(done) / time.Since(start).Seconds(), nil
}
