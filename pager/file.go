package pager

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
)

// File is one open model file. All methods are safe for concurrent use;
// Close waits for calls in flight and must not race with new calls. Slices
// returned by Mapping and View stay valid until Close and must not be
// written. The zero value is not usable: call Open.
type File struct {
	path     string
	cfg      Config
	size     int64
	pageSize int64
	osPage   int64
	align    int64 // O_DIRECT alignment

	buf *os.File // buffered descriptor (mapping, buffered pread, fadvise)
	dio *os.File // O_DIRECT descriptor; nil when not in direct mode or refused

	data  []byte // read-only mapping of the whole file; nil for an empty file
	unmap func() error

	directOn   atomic.Bool // O_DIRECT reads in use (cleared on EINVAL)
	populateOK atomic.Bool // MADV_POPULATE_READ usable

	life   sync.RWMutex // read-held by every call, write-held by Close
	closed bool

	pinMu sync.Mutex // guards pins; held across Drop's advice syscalls
	pins  pageCounts

	scratch *scratchPool
}

// Open opens and maps path under cfg. With the Direct backend it also opens an
// O_DIRECT descriptor; if the file system refuses it (EINVAL, as tmpfs does)
// reads fall back to buffered pread (see DirectActive). The caller owns the
// File and must Close it.
func Open(path string, cfg Config) (*File, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	fh, err := cfg.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("pager: open %s: %w", path, err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("pager: stat %s: %w", path, err)
	}
	f := &File{
		path:     path,
		cfg:      cfg,
		size:     st.Size(),
		pageSize: int64(cfg.PageSize),
		osPage:   int64(os.Getpagesize()),
		align:    int64(cfg.DirectAlign),
		buf:      fh,
	}
	f.scratch = newScratchPool(cfg.ChunkSize, cfg.ScratchBuffers, f.align)
	f.populateOK.Store(!cfg.forceTouch)
	if f.data, f.unmap, err = mapFile(fh, f.size); err != nil {
		fh.Close()
		return nil, fmt.Errorf("pager: map %s: %w", path, err)
	}
	if !cfg.FaultReadahead {
		if err := madviseRandom(f.data); err != nil {
			f.unmap()
			fh.Close()
			return nil, fmt.Errorf("pager: madvise random %s: %w", path, err)
		}
	}
	if cfg.Backend == Direct {
		f.openDirect()
	}
	return f, nil
}

// openDirect opens the O_DIRECT descriptor, leaving direct reads off when the
// file system refuses it.
func (f *File) openDirect() {
	d, err := openDirect(f.cfg.OpenFile, f.path)
	if err != nil {
		return
	}
	f.dio = d
	f.directOn.Store(true)
}

// Size returns the file size at Open.
func (f *File) Size() int64 { return f.size }

// Path returns the path given to Open.
func (f *File) Path() string { return f.path }

// PageSize returns the page granularity used by Populate, Drop and Pin.
func (f *File) PageSize() int64 { return f.pageSize }

// DirectAlign returns the alignment O_DIRECT reads need (see ReadAligned).
func (f *File) DirectAlign() int64 { return f.align }

// DirectActive reports whether reads currently use O_DIRECT. It is false for
// the Mmap backend and after O_DIRECT was refused.
func (f *File) DirectActive() bool { return f.directOn.Load() }

// Mapping returns the whole file mapped read-only (both backends map it; the
// Direct backend still reads ranges with pread). Reading a page of it may
// fault on the caller's thread unless the page was populated; if the file is
// truncated afterwards such a read raises SIGBUS, which Populate turns into an
// error but a plain read does not. Valid until Close; nil for an empty file.
func (f *File) Mapping() []byte { return f.data }

// View returns the mapping bytes of r, or nil if r is outside the file.
// Same validity and fault rules as Mapping.
func (f *File) View(r Range) []byte {
	if r.within(f.size) != nil || r.Len == 0 {
		return nil
	}
	return f.data[r.Off:r.End():r.End()]
}

// Close unmaps the file, closes the descriptors and frees scratch memory. It
// waits for calls in flight. A second Close returns ErrClosed.
func (f *File) Close() error {
	f.life.Lock()
	defer f.life.Unlock()
	if f.closed {
		return ErrClosed
	}
	f.closed = true
	var errs []error
	if f.unmap != nil {
		errs = append(errs, f.unmap())
	}
	f.data = nil
	if f.dio != nil {
		errs = append(errs, f.dio.Close())
	}
	errs = append(errs, f.buf.Close(), f.scratch.close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("pager: close %s: %w", f.path, err)
	}
	return nil
}

// enter read-locks the File for one call; it fails if the File is closed.
func (f *File) enter() error {
	f.life.RLock()
	if f.closed {
		f.life.RUnlock()
		return fmt.Errorf("pager: %s: %w", f.path, ErrClosed)
	}
	return nil
}

func (f *File) leave() { f.life.RUnlock() }

// checkRanges validates every range against the file size.
func (f *File) checkRanges(rs []Range) error {
	for _, r := range rs {
		if err := r.within(f.size); err != nil {
			return fmt.Errorf("%w (file %s)", err, f.path)
		}
	}
	return nil
}

// mapSpan returns the mapping bytes of pages [first, end), clipped to the
// mapping.
func (f *File) mapSpan(first, end int64) []byte {
	a := min(first*f.pageSize, int64(len(f.data)))
	b := min(end*f.pageSize, int64(len(f.data)))
	return f.data[a:b]
}
