package edge

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/edgemoe/edgemoe/expertcache"
	"github.com/edgemoe/edgemoe/internal/model"
	"github.com/edgemoe/edgemoe/pager"
)

// expertSource reads routed experts from the model file for the expert
// cache, through the pager: either copies into cache-owned memory (direct
// backend) or views of the mapping made resident (mmap backend).
type expertSource struct {
	f      *pager.File
	direct bool
	layers []layerRanges // indexed by layer; nil entries for dense layers
	busy   busyClock     // time with at least one load in flight
}

// busyClock measures the union of the intervals during which at least one
// load is running: bytes read over it is the bandwidth the storage gave.
type busyClock struct {
	mu       sync.Mutex
	inflight int
	since    time.Time
	total    time.Duration
}

func (b *busyClock) start() {
	b.mu.Lock()
	if b.inflight == 0 {
		b.since = time.Now()
	}
	b.inflight++
	b.mu.Unlock()
}

func (b *busyClock) stop() {
	b.mu.Lock()
	b.inflight--
	if b.inflight == 0 {
		b.total += time.Since(b.since)
	}
	b.mu.Unlock()
}

// Busy is the total busy time so far (including a running interval).
func (b *busyClock) Busy() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.total
	if b.inflight > 0 {
		t += time.Since(b.since)
	}
	return t
}

// layerRanges locates a MoE layer's three stacks in the file.
type layerRanges struct {
	gate, up, down *model.Stack
}

func newExpertSource(f *pager.File, w *model.Weights, direct bool) *expertSource {
	s := &expertSource{f: f, direct: direct, layers: make([]layerRanges, len(w.Layers))}
	for i := range w.Layers {
		L := &w.Layers[i]
		if L.GateExps != nil {
			s.layers[i] = layerRanges{L.GateExps, L.UpExps, L.DownExps}
		}
	}
	return s
}

func (s *expertSource) ranges(k expertcache.Key) [3]pager.Range {
	l := &s.layers[k.Layer]
	e := int64(k.Expert)
	at := func(st *model.Stack) pager.Range { return pager.Range{Off: st.Off + e*st.Stride, Len: st.Size} }
	return [3]pager.Range{at(l.gate), at(l.up), at(l.down)}
}

func (s *expertSource) valid(k expertcache.Key) bool {
	return k.Layer >= 0 && int(k.Layer) < len(s.layers) && s.layers[k.Layer].gate != nil &&
		k.Expert >= 0 && int(k.Expert) < s.layers[k.Layer].gate.N
}

// Size is the bytes of gate, up and down.
func (s *expertSource) Size(k expertcache.Key) int64 {
	if !s.valid(k) {
		return 1
	}
	if s.direct { // each slice's O_DIRECT-aligned span (see Load)
		var n int64
		for _, r := range s.ranges(k) {
			span, _ := s.f.AlignedSpan(r)
			n += span.Len
		}
		return n
	}
	l := &s.layers[k.Layer]
	return l.gate.Size + l.up.Size + l.down.Size
}

// Shape gives the length of each slice.
func (s *expertSource) Shape(k expertcache.Key) (gate, up, down int) {
	if !s.valid(k) {
		return 0, 0, 1
	}
	l := &s.layers[k.Layer]
	return int(l.gate.Size), int(l.up.Size), int(l.down.Size)
}

// Load reads (direct) or makes resident (mmap) the expert's three ranges.
func (s *expertSource) Load(ctx context.Context, k expertcache.Key, dst *expertcache.Buffer) error {
	if !s.valid(k) {
		return fmt.Errorf("no routed expert %v in this model", k)
	}
	rs := s.ranges(k)
	s.busy.start()
	defer s.busy.stop()
	if s.direct {
		return s.loadDirect(ctx, rs, dst)
	}
	if err := s.f.Pin(rs[:]); err != nil {
		return err
	}
	if err := s.f.Populate(ctx, rs[:]); err != nil {
		s.f.Unpin(rs[:])
		s.f.Drop(rs[:], nil)
		return err
	}
	dst.Gate, dst.Up, dst.Down = s.f.View(rs[0]), s.f.View(rs[1]), s.f.View(rs[2])
	return nil
}

// Release gives an mmap-backed expert's pages back to the kernel. Pages a
// pinned neighbour (a resident tensor or a cached expert) holds stay.
//
// The span dropped is widened to whole 2 MiB blocks: the page cache keeps
// large folios, and the kernel maps a whole folio (or fault-around window)
// when one page of it is populated, so neighbouring experts' pages end up
// mapped and charged too. Dropping the unpinned rest of the block keeps
// resident memory to what the cache accounts for.
func (s *expertSource) Release(k expertcache.Key, _ *expertcache.Buffer) {
	if s.direct || !s.valid(k) {
		return
	}
	rs := s.ranges(k)
	s.f.Unpin(rs[:])
	s.f.Drop(widen(rs[:], s.f.Size()), nil)
}

// dropBlock is the granularity of Release's drops (a PMD-sized folio).
const dropBlock = 2 << 20

func widen(rs []pager.Range, size int64) []pager.Range {
	out := make([]pager.Range, len(rs))
	for i, r := range rs {
		a := r.Off &^ (dropBlock - 1)
		b := min((r.Off+r.Len+dropBlock-1)&^(dropBlock-1), size)
		out[i] = pager.Range{Off: a, Len: b - a}
	}
	return out
}

// cachedExperts adapts the expert cache to the model's ExpertSource.
type cachedExperts struct{ c *expertcache.Cache }

// cacheHandle is an expertcache.Handle seen as a model.ExpertHandle; the
// conversion is free, so the decode path does not allocate.
type cacheHandle expertcache.Handle

func (h *cacheHandle) Expert() model.Expert {
	e := (*expertcache.Handle)(h).Expert()
	return model.Expert{Gate: e.Gate, Up: e.Up, Down: e.Down}
}

func (h *cacheHandle) Release() { (*expertcache.Handle)(h).Release() }

func (c cachedExperts) Acquire(ctx context.Context, layer, expert int) (model.ExpertHandle, error) {
	h, err := c.c.Acquire(ctx, expertcache.Key{Layer: int32(layer), Expert: int32(expert)})
	if err != nil {
		return nil, err
	}
	return (*cacheHandle)(h), nil
}

// loadDirect reads the expert's three slices with O_DIRECT straight into
// its buffer (laid out as the slices' aligned spans, Size), with no scratch
// buffer or copy, so that concurrent loads (demand and prefetch) contend
// only for the disk. A buffer the arena could not align falls back to the
// pager's buffered path.
func (s *expertSource) loadDirect(ctx context.Context, rs [3]pager.Range, dst *expertcache.Buffer) error {
	mem := dst.Alloc()
	var views [3][]byte
	off := int64(0)
	for i, r := range rs {
		span, _ := s.f.AlignedSpan(r)
		if off+span.Len > int64(len(mem)) {
			return fmt.Errorf("expert buffer of %d bytes, slice %d needs %d from %d", len(mem), i, span.Len, off)
		}
		v, err := s.f.ReadAligned(ctx, r, mem[off:off+span.Len:off+span.Len])
		if err != nil {
			return err
		}
		views[i], off = v, off+span.Len
	}
	dst.Gate, dst.Up, dst.Down = views[0], views[1], views[2]
	return nil
}
