// Package pager moves byte ranges of one model file into memory and gives them
// back. It is mechanism only: it knows nothing about tensors, experts, caches,
// budgets or policy; callers (the expert cache, the model loader) decide what
// to load and when to drop it.
//
// A [File] is opened under a [Config] with one of two backends:
//
//   - [Mmap] (the zero value): the whole file is mapped read-only and advised
//     MADV_RANDOM (no fault read-around; see [Config.FaultReadahead]). A "load"
//     makes the pages of some ranges resident with [File.Populate]
//     (MADV_WILLNEED then MADV_POPULATE_READ, or touching one byte per page from
//     the calling goroutine on kernels older than 5.14) or hints them with
//     [File.WillNeed]; [File.View] slices the mapping; [File.Drop] gives pages
//     back (MADV_DONTNEED on the mapping plus POSIX_FADV_DONTNEED on the page
//     cache).
//   - [Direct]: the file is also mapped (so resident tensors can be viewed in
//     place), but [File.ReadAt], [File.ReadRanges] and [File.ReadAligned] read
//     with O_DIRECT pread into caller memory (ideally an [Arena]), which never
//     fills the page cache. Where O_DIRECT is refused (tmpfs) the backend falls
//     back to buffered pread and drops the page cache it caused.
//
// Ranges are arbitrary byte ranges (GGUF aligns tensors to 32 bytes only), so
// several ranges may share a page. The pager keeps a page pin count table
// ([File.Pin], [File.Unpin]); [File.Drop] never releases a page that a pinned
// range still touches. The page size comes from the OS unless [Config.PageSize]
// overrides it (tests simulate 16K and 64K pages on a 4K machine).
//
// Platform code lives in small files: *_linux.go use madvise, fadvise and
// O_DIRECT; the other-OS files keep the same API with plain pread and no
// advice (Populate touches pages, WillNeed and Drop do nothing).
//
// [ProcessIO] reports process I/O and fault counters and resident set size so
// benchmarks can show what the pager caused; [MeasureDirectRead] measures the
// O_DIRECT read bandwidth of a disk.
package pager
