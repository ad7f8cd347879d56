package pager

import (
	"fmt"
	"sort"
)

// pageCounts is a piecewise-constant map from page index to pin count. Its
// memory is proportional to the number of distinct pinned spans, not pages, so
// pinning gigabytes of experts costs a few entries per expert. Not safe for
// concurrent use; File guards it with pinMu. The zero value has every count 0.
type pageCounts struct {
	// segs is sorted by start, strictly increasing; segs[k].n holds on
	// [segs[k].start, segs[k+1].start); before segs[0] and from the last
	// start on (whose n is always 0) the count is 0. Neighbours differ in n.
	segs []seg
}

type seg struct {
	start int64
	n     int32
}

// at returns the count of page p.
func (c *pageCounts) at(p int64) int32 {
	i := sort.Search(len(c.segs), func(i int) bool { return c.segs[i].start > p }) - 1
	if i < 0 {
		return 0
	}
	return c.segs[i].n
}

// each calls fn for the maximal pieces of [a, b) with a constant count.
func (c *pageCounts) each(a, b int64, fn func(a, b int64, n int32)) {
	if a >= b {
		return
	}
	i := sort.Search(len(c.segs), func(i int) bool { return c.segs[i].start > a }) - 1
	for pos := a; pos < b; i++ {
		var n int32
		if i >= 0 {
			n = c.segs[i].n
		}
		next := b
		if i+1 < len(c.segs) && c.segs[i+1].start < b {
			next = c.segs[i+1].start
		}
		fn(pos, next, n)
		pos = next
	}
}

// add adds d to the count of every page in [a, b). A decrement below zero
// is refused with an error naming the page and nothing is changed.
func (c *pageCounts) add(a, b int64, d int32) error {
	if a >= b || d == 0 {
		return nil
	}
	if d < 0 {
		var bad int64 = -1
		c.each(a, b, func(pa, _ int64, n int32) {
			if n+d < 0 && bad < 0 {
				bad = pa
			}
		})
		if bad >= 0 {
			return fmt.Errorf("pager: unpin of page %d which is not pinned", bad)
		}
	}
	i := c.split(a)
	j := c.split(b)
	for k := i; k < j; k++ {
		c.segs[k].n += d
	}
	c.compact(i, j)
	return nil
}

// split makes sure a segment starts at p and returns its index.
func (c *pageCounts) split(p int64) int {
	i := sort.Search(len(c.segs), func(i int) bool { return c.segs[i].start >= p })
	if i < len(c.segs) && c.segs[i].start == p {
		return i
	}
	var n int32
	if i > 0 {
		n = c.segs[i-1].n
	}
	c.segs = append(c.segs, seg{})
	copy(c.segs[i+1:], c.segs[i:])
	c.segs[i] = seg{start: p, n: n}
	return i
}

// compact removes redundant segments among indexes lo..hi (inclusive): a
// segment equal to its predecessor, or a leading segment with count 0.
func (c *pageCounts) compact(lo, hi int) {
	if hi >= len(c.segs) {
		hi = len(c.segs) - 1
	}
	w := lo
	for k := lo; k <= hi; k++ {
		var prev int32
		if w > 0 {
			prev = c.segs[w-1].n
		}
		if c.segs[k].n == prev {
			continue
		}
		c.segs[w] = c.segs[k]
		w++
	}
	c.segs = append(c.segs[:w], c.segs[hi+1:]...)
}
