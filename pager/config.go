package pager

import (
	"fmt"
	"os"
)

// Backend selects how a [File] reads expert ranges.
type Backend int

const (
	// Mmap maps the file and makes ranges resident with madvise (the default).
	Mmap Backend = iota
	// Direct reads ranges with O_DIRECT pread into caller memory; the file is
	// still mapped for resident tensors.
	Direct
)

// String returns "mmap" or "direct".
func (b Backend) String() string {
	switch b {
	case Mmap:
		return "mmap"
	case Direct:
		return "direct"
	}
	return fmt.Sprintf("backend(%d)", int(b))
}

// Config configures [Open]. The zero value is usable: mmap backend, OS page
// size, 4 MiB direct-read chunks, two scratch buffers. Defaults are applied in
// one place ([Config.withDefaults]); Open returns an error for invalid values.
type Config struct {
	// Backend chooses mmap (zero value) or direct reads.
	Backend Backend
	// PageSize is the page granularity used for populate/drop/pin arithmetic.
	// 0 means the OS page size. It must be a power of two and a multiple of
	// the OS page size (tests use 16K and 64K on a 4K machine).
	PageSize int
	// DirectAlign is the offset, length and buffer alignment of O_DIRECT
	// reads. 0 means the OS page size, which satisfies every common logical
	// block size (512 B, 4 KiB). Must be a power of two.
	DirectAlign int
	// ChunkSize bounds one scratch buffer and one read or populate step
	// (cancellation is checked between steps). 0 means 4 MiB. Rounded up to
	// DirectAlign.
	ChunkSize int
	// ScratchBuffers is how many ChunkSize scratch buffers (anonymous memory,
	// outside the Go heap, allocated on first use, freed by Close) unaligned
	// direct reads may use at once; it bounds both memory and concurrency of
	// those reads. 0 means 2.
	ScratchBuffers int
	// MergeGap is the largest hole between two ranges that ReadRanges reads
	// through (and discards) to save a syscall. 0 means 64 KiB; negative
	// means merge only ranges that touch or overlap.
	MergeGap int64
	// FaultReadahead keeps the kernel's read-around on page faults of the
	// mapping. By default (false) the mapping is advised MADV_RANDOM: a fault
	// reads only its own page, and Populate and WillNeed read exactly the
	// pages of the ranges asked (read_ahead_kb can be several MiB, which
	// would otherwise pull neighbouring experts into the page cache on every
	// load). Linux only.
	FaultReadahead bool
	// OpenFile opens the model file; nil means os.OpenFile. It is a test hook
	// (for example to refuse O_DIRECT with EINVAL the way tmpfs does).
	OpenFile func(name string, flag int, perm os.FileMode) (*os.File, error)

	// forceTouch makes Populate skip MADV_POPULATE_READ (tests of the
	// touch fallback).
	forceTouch bool
}

const (
	defaultChunkSize      = 4 << 20
	defaultScratchBuffers = 2
	defaultMergeGap       = 64 << 10
)

// withDefaults returns c with zero fields replaced by defaults, or an error
// naming the invalid field.
func (c Config) withDefaults() (Config, error) {
	osPage := os.Getpagesize()
	if c.Backend != Mmap && c.Backend != Direct {
		return c, fmt.Errorf("pager: unknown backend %d", int(c.Backend))
	}
	if c.PageSize == 0 {
		c.PageSize = osPage
	}
	if !isPow2(int64(c.PageSize)) || c.PageSize%osPage != 0 {
		return c, fmt.Errorf("pager: page size %d is not a power of two multiple of the OS page size %d", c.PageSize, osPage)
	}
	if c.DirectAlign == 0 {
		c.DirectAlign = osPage
	}
	if !isPow2(int64(c.DirectAlign)) {
		return c, fmt.Errorf("pager: direct alignment %d is not a power of two", c.DirectAlign)
	}
	if c.ChunkSize == 0 {
		c.ChunkSize = defaultChunkSize
	}
	if c.ChunkSize < 0 {
		return c, fmt.Errorf("pager: negative chunk size %d", c.ChunkSize)
	}
	c.ChunkSize = int(alignUp(int64(c.ChunkSize), int64(c.DirectAlign)))
	if c.ScratchBuffers == 0 {
		c.ScratchBuffers = defaultScratchBuffers
	}
	if c.ScratchBuffers < 0 {
		return c, fmt.Errorf("pager: negative scratch buffer count %d", c.ScratchBuffers)
	}
	if c.MergeGap == 0 {
		c.MergeGap = defaultMergeGap
	}
	if c.MergeGap < 0 {
		c.MergeGap = 0
	}
	if c.OpenFile == nil {
		c.OpenFile = os.OpenFile
	}
	return c, nil
}
