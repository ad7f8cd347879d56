package tokenizer

import (
	"hash/maphash"
	"strings"
	"sync/atomic"
)

// mergeTable maps an adjacent pair of token ids to its merge rank and the
// id of the merged token. It is an open-addressing hash table (linear
// probing, load <= 1/2) built once; lookups are read-only and safe for
// concurrent use.
type mergeTable struct {
	slots []mergeSlot
	mask  uint64
}

type mergeSlot struct {
	key  uint64 // left<<32 | right, +1 so that 0 means empty
	rank int32
	id   int32
}

func pairKey(a, b int32) uint64 { return (uint64(uint32(a))<<32 | uint64(uint32(b))) + 1 }

func mix(k uint64) uint64 {
	k ^= k >> 29
	k *= 0xbf58476d1ce4e5b9
	return k ^ k>>32
}

func newMergeTable(n int) mergeTable {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return mergeTable{slots: make([]mergeSlot, size), mask: uint64(size - 1)}
}

// insert adds a pair unless present (the first, lowest rank wins).
func (m *mergeTable) insert(a, b, rank, id int32) {
	k := pairKey(a, b)
	for i := mix(k) & m.mask; ; i = (i + 1) & m.mask {
		s := &m.slots[i]
		if s.key == k {
			return
		}
		if s.key == 0 {
			*s = mergeSlot{key: k, rank: rank, id: id}
			return
		}
	}
}

// lookup returns the rank and result of merging a and b; rank is noRank
// when the pair does not merge.
func (m *mergeTable) lookup(a, b int32) (rank, id int32) {
	k := pairKey(a, b)
	for i := mix(k) & m.mask; ; i = (i + 1) & m.mask {
		s := &m.slots[i]
		if s.key == k {
			return s.rank, s.id
		}
		if s.key == 0 {
			return noRank, -1
		}
	}
}

const noRank = int32(1<<31 - 1)

// smallPiece is the byte length up to which bpe uses the quadratic scan;
// longer pieces use a heap.
const smallPiece = 48

// bpe appends the ids of piece to dst. Each byte starts as its byte token;
// the adjacent pair of lowest merge rank (leftmost on ties) is merged until
// no pair merges.
func (t *Tokenizer) bpe(dst []int32, piece string) []int32 {
	if len(piece) > smallPiece {
		return t.bpeHeap(dst, piece)
	}
	var idsBuf, ranksBuf, mergedBuf [smallPiece]int32
	n := len(piece)
	ids, ranks, merged := idsBuf[:n], ranksBuf[:n], mergedBuf[:n]
	for i := 0; i < n; i++ {
		ids[i] = t.byteID[piece[i]]
	}
	for i := 0; i+1 < n; i++ {
		ranks[i], merged[i] = t.merges.lookup(ids[i], ids[i+1])
	}
	for n > 1 {
		best, p := noRank, -1
		for i := 0; i+1 < n; i++ {
			if ranks[i] < best {
				best, p = ranks[i], i
			}
		}
		if p < 0 {
			break
		}
		ids[p] = merged[p]
		copy(ids[p+1:n], ids[p+2:n])
		copy(ranks[p+1:n], ranks[p+2:n])
		copy(merged[p+1:n], merged[p+2:n])
		n--
		if p > 0 {
			ranks[p-1], merged[p-1] = t.merges.lookup(ids[p-1], ids[p])
		}
		if p+1 < n {
			ranks[p], merged[p] = t.merges.lookup(ids[p], ids[p+1])
		}
	}
	return append(dst, ids[:n]...)
}

// pairItem is a candidate merge of symbol pos with its right neighbour.
type pairItem struct {
	rank, pos   int32
	left, right int32
}

func (a pairItem) less(b pairItem) bool {
	return a.rank < b.rank || (a.rank == b.rank && a.pos < b.pos)
}

// pairHeap is a binary min-heap of pairItem by (rank, pos).
type pairHeap []pairItem

func (h *pairHeap) push(it pairItem) {
	*h = append(*h, it)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s[i].less(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *pairHeap) pop() pairItem {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(s) && s[l].less(s[m]) {
			m = l
		}
		if r := l + 1; r < len(s) && s[r].less(s[m]) {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

// bpeHeap is bpe for long pieces: symbols form a linked list over their
// original positions and candidate pairs sit in a min-heap ordered by (rank,
// position); stale candidates are recognised by their ids and skipped.
func (t *Tokenizer) bpeHeap(dst []int32, piece string) []int32 {
	n := len(piece)
	ids := make([]int32, n)
	next := make([]int32, n)
	prev := make([]int32, n)
	h := make(pairHeap, 0, n)
	for i := 0; i < n; i++ {
		ids[i] = t.byteID[piece[i]]
		next[i], prev[i] = int32(i+1), int32(i-1)
	}
	next[n-1] = -1
	push := func(p int32) {
		if p < 0 || next[p] < 0 {
			return
		}
		q := next[p]
		if r, _ := t.merges.lookup(ids[p], ids[q]); r != noRank {
			h.push(pairItem{rank: r, pos: p, left: ids[p], right: ids[q]})
		}
	}
	for i := int32(0); i+1 < int32(n); i++ {
		push(i)
	}
	for len(h) > 0 {
		it := h.pop()
		p := it.pos
		q := next[p]
		if ids[p] != it.left || q < 0 || ids[q] != it.right {
			continue
		}
		_, ids[p] = t.merges.lookup(it.left, it.right)
		ids[q] = -1
		next[p] = next[q]
		if next[q] >= 0 {
			prev[next[q]] = p
		}
		push(prev[p])
		push(p)
	}
	for p := int32(0); p >= 0; p = next[p] {
		dst = append(dst, ids[p])
	}
	return dst
}

// pieceCache is a fixed-size, two-way set associative, lock-free cache from pre-token
// pieces to their BPE ids. Safe for concurrent use; entries are immutable.
type pieceCache struct {
	seed  maphash.Seed
	slots []atomic.Pointer[cacheEntry]
}

type cacheEntry struct {
	piece string
	ids   []int32
}

const (
	cacheSlots    = 1 << 15
	cacheMaxPiece = 128
)

func newPieceCache() *pieceCache {
	return &pieceCache{seed: maphash.MakeSeed(), slots: make([]atomic.Pointer[cacheEntry], cacheSlots)}
}

// encodePiece appends the BPE ids of piece, through the cache. The cache is
// two-way set associative: a piece may sit in slot h or h^1.
func (t *Tokenizer) encodePiece(dst []int32, piece string) []int32 {
	if len(piece) == 1 {
		return append(dst, t.byteID[piece[0]])
	}
	if len(piece) > cacheMaxPiece {
		return t.bpe(dst, piece)
	}
	h := maphash.String(t.cache.seed, piece)
	i := h & (cacheSlots - 1)
	a, b := &t.cache.slots[i], &t.cache.slots[i^1]
	ea := a.Load()
	if ea != nil && ea.piece == piece {
		return append(dst, ea.ids...)
	}
	eb := b.Load()
	if eb != nil && eb.piece == piece {
		return append(dst, eb.ids...)
	}
	start := len(dst)
	dst = t.bpe(dst, piece)
	e := &cacheEntry{piece: strings.Clone(piece), ids: append([]int32(nil), dst[start:]...)}
	switch {
	case ea == nil:
		a.Store(e)
	case eb == nil || h&(cacheSlots<<1) != 0:
		b.Store(e)
	default:
		a.Store(e)
	}
	return dst
}
