package pager

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// errDirectRefused reports an O_DIRECT read refused with EINVAL; the caller
// retries buffered.
var errDirectRefused = errors.New("O_DIRECT read refused")

// ReadAt reads exactly len(dst) bytes at off into dst (any alignment). With
// the Direct backend it reads the covering aligned span with O_DIRECT into a
// scratch buffer and copies (use ReadAligned to avoid the copy); otherwise, or
// once O_DIRECT is refused, it uses buffered pread straight into dst. A read
// ending past the file, or a short read, returns an error wrapping
// io.ErrUnexpectedEOF naming the offset.
func (f *File) ReadAt(dst []byte, off int64) error {
	if err := f.enter(); err != nil {
		return err
	}
	defer f.leave()
	return f.readAt(context.Background(), dst, off)
}

func (f *File) readAt(ctx context.Context, dst []byte, off int64) error {
	r := Range{Off: off, Len: int64(len(dst))}
	if err := r.within(f.size); err != nil {
		return fmt.Errorf("pager: read %s at offset %d: %w: %w", f.path, off, err, io.ErrUnexpectedEOF)
	}
	if r.Len == 0 {
		return nil
	}
	if f.directOn.Load() {
		err := f.readDirect(ctx, r, func(at int64, b []byte) { copy(dst[at-off:], b) })
		if !errors.Is(err, errDirectRefused) {
			return err
		}
	}
	_, err := f.readFull(f.buf, dst, off, r.Len, false)
	f.dropBuffered(r)
	return err
}

// AlignedSpan returns the DirectAlign-aligned span covering r and r's offset
// inside it: the buffer size and view offset ReadAligned uses.
func (f *File) AlignedSpan(r Range) (span Range, skip int64) {
	return alignedSpan(r, f.align)
}

// ReadAligned reads r without a copy: buf must hold AlignedSpan(r).Len bytes
// and should start at a DirectAlign boundary (an Arena chunk does); the
// covering span is read with O_DIRECT into buf and the returned view is the
// bytes of r inside buf. With a misaligned buf, the Mmap backend or O_DIRECT
// refused, r is read buffered into the same view position.
func (f *File) ReadAligned(ctx context.Context, r Range, buf []byte) ([]byte, error) {
	if err := f.enter(); err != nil {
		return nil, err
	}
	defer f.leave()
	if err := r.within(f.size); err != nil {
		return nil, fmt.Errorf("pager: read %s: %w: %w", f.path, err, io.ErrUnexpectedEOF)
	}
	span, skip := f.AlignedSpan(r)
	if int64(len(buf)) < span.Len {
		return nil, fmt.Errorf("pager: read %s range %v: buffer of %d bytes, need %d", f.path, r, len(buf), span.Len)
	}
	view := buf[skip : skip+r.Len : skip+r.Len]
	if r.Len > 0 && f.directOn.Load() && isAligned(buf, f.align) {
		_, err := f.readFull(f.dio, buf[:span.Len], span.Off, skip+r.Len, true)
		if !errors.Is(err, errDirectRefused) {
			return view, err
		}
	}
	return view, f.readAt(ctx, view, r.Off)
}

// ReadRanges reads rs[i] into dst[i] (len(dst[i]) must equal rs[i].Len), in
// file order, merging ranges closer than MergeGap into one read of at most
// ChunkSize bytes (an expert's gate/up/down slices when they are adjacent).
// It checks ctx between reads.
func (f *File) ReadRanges(ctx context.Context, rs []Range, dst [][]byte) error {
	if err := f.enter(); err != nil {
		return err
	}
	defer f.leave()
	if len(rs) != len(dst) {
		return fmt.Errorf("pager: read %s: %d ranges but %d buffers", f.path, len(rs), len(dst))
	}
	for i, r := range rs {
		if int64(len(dst[i])) != r.Len {
			return fmt.Errorf("pager: read %s range %v: buffer of %d bytes", f.path, r, len(dst[i]))
		}
	}
	if err := f.checkRanges(rs); err != nil {
		return err
	}
	for _, g := range groupRanges(rs, f.cfg.MergeGap, int64(f.cfg.ChunkSize)) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := f.readGroup(ctx, rs, dst, g); err != nil {
			return err
		}
	}
	return nil
}

// group is a set of ranges (indexes into rs) read with one covering read.
type group struct {
	span Range
	idx  []int
}

// groupRanges sorts rs by offset and merges neighbours whose hole is at most
// gap while the merged span stays within limit. Empty ranges are skipped.
func groupRanges(rs []Range, gap, limit int64) []group {
	order := make([]int, 0, len(rs))
	for i, r := range rs {
		if r.Len > 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rs[a].Off, rs[b].Off) })
	var gs []group
	for _, i := range order {
		r := rs[i]
		if n := len(gs); n > 0 {
			g := &gs[n-1]
			end := max(g.span.End(), r.End())
			if r.Off <= g.span.End()+gap && end-g.span.Off <= limit {
				g.span.Len = end - g.span.Off
				g.idx = append(g.idx, i)
				continue
			}
		}
		gs = append(gs, group{span: r, idx: []int{i}})
	}
	return gs
}

// readGroup reads one group: a lone range straight into its buffer, several
// through one covering read copied out.
func (f *File) readGroup(ctx context.Context, rs []Range, dst [][]byte, g group) error {
	if len(g.idx) == 1 {
		return f.readAt(ctx, dst[g.idx[0]], rs[g.idx[0]].Off)
	}
	sink := func(at int64, b []byte) {
		for _, i := range g.idx {
			lo, hi := max(at, rs[i].Off), min(at+int64(len(b)), rs[i].End())
			if lo < hi {
				copy(dst[i][lo-rs[i].Off:], b[lo-at:hi-at])
			}
		}
	}
	if f.directOn.Load() {
		err := f.readDirect(ctx, g.span, sink)
		if !errors.Is(err, errDirectRefused) {
			return err
		}
	}
	buf, err := f.scratch.get(ctx)
	if err != nil {
		return err
	}
	defer f.scratch.put(buf)
	n, err := f.readFull(f.buf, buf[:g.span.Len], g.span.Off, g.span.Len, false)
	sink(g.span.Off, buf[:n])
	f.dropBuffered(g.span)
	return err
}

// readDirect reads r with O_DIRECT through a scratch buffer, ChunkSize at a
// time, handing each piece of r to sink. It returns errDirectRefused (having
// switched O_DIRECT off) if the kernel refuses the read.
func (f *File) readDirect(ctx context.Context, r Range, sink func(at int64, b []byte)) error {
	buf, err := f.scratch.get(ctx)
	if err != nil {
		return err
	}
	defer f.scratch.put(buf)
	span, _ := alignedSpan(r, f.align)
	chunk := int64(len(buf))
	for cs := span.Off; cs < span.End(); cs += chunk {
		ce := min(cs+chunk, span.End())
		n, err := f.readFull(f.dio, buf[:ce-cs], cs, min(ce, r.End())-cs, true)
		if err != nil {
			return err
		}
		lo, hi := max(cs, r.Off), min(cs+n, r.End())
		sink(lo, buf[lo-cs:hi-cs])
	}
	return nil
}

// readFull preads into b at off until at least need bytes arrived, end of
// file, or an error. Direct reads must keep every request aligned, so a short
// direct read that is not a multiple of the alignment ends the read.
func (f *File) readFull(fh *os.File, b []byte, off, need int64, direct bool) (int64, error) {
	var got int64
	for got < need {
		n, err := pread(fh, b[got:], off+got)
		if err != nil {
			if direct && isDirectRefused(err) {
				f.directOn.Store(false)
				return got, errDirectRefused
			}
			return got, fmt.Errorf("pager: read %s at offset %d: %w", f.path, off+got, err)
		}
		got += int64(n)
		if n == 0 || (direct && got < need && got%f.align != 0) {
			return got, fmt.Errorf("pager: read %s [%d, %d): data ends at offset %d: %w",
				f.path, off, off+need, off+got, io.ErrUnexpectedEOF)
		}
	}
	return got, nil
}

// dropBuffered gives back the page cache a buffered read of r caused when the
// Direct backend had to fall back from O_DIRECT; unpinned pages only.
func (f *File) dropBuffered(r Range) {
	if f.cfg.Backend != Direct {
		return
	}
	f.pinMu.Lock()
	defer f.pinMu.Unlock()
	first, end := pageSpan(r, f.pageSize)
	f.pins.each(first, end, func(a, b int64, n int32) {
		if n == 0 {
			_ = fadviseDontNeed(f.buf, a*f.pageSize, (b-a)*f.pageSize)
		}
	})
}
