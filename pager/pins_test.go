package pager

import (
	"math/rand/v2"
	"testing"
)

// TestPageCountsScript runs pin/unpin scripts and checks every count and the
// segment invariants after each step.
func TestPageCountsScript(t *testing.T) {
	type op struct {
		a, b int64
		d    int32
		fail bool
	}
	for _, tc := range []struct {
		name string
		ops  []op
		want map[int64]int32 // counts of pages 0..9 after the script (absent = 0)
		segs int
	}{
		{"empty", nil, nil, 0},
		{"one span", []op{{2, 5, 1, false}}, map[int64]int32{2: 1, 3: 1, 4: 1}, 2},
		{"pin unpin", []op{{2, 5, 1, false}, {2, 5, -1, false}}, nil, 0},
		{"shared page", []op{{0, 3, 1, false}, {2, 6, 1, false}}, map[int64]int32{0: 1, 1: 1, 2: 2, 3: 1, 4: 1, 5: 1}, 4},
		{"shared then release one", []op{{0, 3, 1, false}, {2, 6, 1, false}, {0, 3, -1, false}}, map[int64]int32{2: 1, 3: 1, 4: 1, 5: 1}, 2},
		{"underflow refused", []op{{2, 4, 1, false}, {3, 6, -1, true}}, map[int64]int32{2: 1, 3: 1}, 2},
		{"adjacent merge", []op{{0, 2, 1, false}, {2, 4, 1, false}}, map[int64]int32{0: 1, 1: 1, 2: 1, 3: 1}, 2},
		{"nested", []op{{0, 10, 1, false}, {3, 4, 2, false}, {3, 4, -2, false}}, map[int64]int32{0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c pageCounts
			for _, o := range tc.ops {
				err := c.add(o.a, o.b, o.d)
				if (err != nil) != o.fail {
					t.Fatalf("add(%d, %d, %d) = %v, want failure %v", o.a, o.b, o.d, err, o.fail)
				}
				checkSegs(t, &c)
			}
			for p := int64(0); p < 10; p++ {
				if got := c.at(p); got != tc.want[p] {
					t.Errorf("page %d count %d, want %d", p, got, tc.want[p])
				}
			}
			if len(c.segs) != tc.segs {
				t.Errorf("%d segments %v, want %d", len(c.segs), c.segs, tc.segs)
			}
		})
	}
}

// checkSegs verifies the pageCounts invariants.
func checkSegs(t *testing.T, c *pageCounts) {
	t.Helper()
	for i, s := range c.segs {
		var prev int32
		if i > 0 {
			prev = c.segs[i-1].n
			if s.start <= c.segs[i-1].start {
				t.Fatalf("segments not increasing: %v", c.segs)
			}
		}
		if s.n == prev || s.n < 0 {
			t.Fatalf("redundant or negative segment %d: %v", i, c.segs)
		}
	}
	if n := len(c.segs); n > 0 && c.segs[n-1].n != 0 {
		t.Fatalf("last segment not zero: %v", c.segs)
	}
}

// TestPageCountsRandom compares pageCounts with a plain array under random
// pins and unpins.
func TestPageCountsRandom(t *testing.T) {
	const pages = 64
	rng := rand.New(rand.NewPCG(1, 2))
	var c pageCounts
	var ref [pages]int32
	var pinned [][2]int64
	for step := range 5000 {
		if len(pinned) > 0 && rng.IntN(2) == 0 {
			i := rng.IntN(len(pinned))
			s := pinned[i]
			pinned = append(pinned[:i], pinned[i+1:]...)
			if err := c.add(s[0], s[1], -1); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			for p := s[0]; p < s[1]; p++ {
				ref[p]--
			}
		} else {
			a := rng.Int64N(pages)
			b := a + 1 + rng.Int64N(pages-a)
			if err := c.add(a, b, 1); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			for p := a; p < b; p++ {
				ref[p]++
			}
			pinned = append(pinned, [2]int64{a, b})
		}
		checkSegs(t, &c)
		for p := range int64(pages) {
			if c.at(p) != ref[p] {
				t.Fatalf("step %d: page %d count %d, want %d", step, p, c.at(p), ref[p])
			}
		}
		c.each(0, pages, func(a, b int64, n int32) {
			for p := a; p < b; p++ {
				if ref[p] != n {
					t.Fatalf("step %d: each gave page %d count %d, want %d", step, p, n, ref[p])
				}
			}
		})
	}
}
