package pager

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
)

var pageSizes = []int{4 << 10, 16 << 10, 64 << 10}

func TestPopulateMakesResident(t *testing.T) {
	for _, ps := range pageSizes {
		for _, touch := range []bool{false, true} {
			t.Run(fmt.Sprintf("page%dK/touch=%v", ps>>10, touch), func(t *testing.T) {
				if ps%os.Getpagesize() != 0 {
					t.Skipf("page size %d below the OS page size", ps)
				}
				path := writePattern(t, testDir(t), 40*int64(ps))
				f := openT(t, path, Config{PageSize: ps, forceTouch: touch})
				evictAll(t, f)
				r := Range{Off: 3*int64(ps) + 32, Len: 5 * int64(ps)} // pages 3..8
				if err := f.Populate(context.Background(), []Range{r}); err != nil {
					t.Fatal(err)
				}
				for i, in := range resident(t, f, 0, 40) {
					if want := i >= 3 && i <= 8; in != want && !(in && i == 9) { // readahead may bring page 9
						t.Errorf("page %d resident=%v, want %v", i, in, want)
					}
				}
				checkPattern(t, f.View(r), r.Off, "View after Populate")
			})
		}
	}
}

func TestWillNeed(t *testing.T) {
	path := writePattern(t, testDir(t), 1<<20)
	f := openT(t, path, Config{})
	if err := f.WillNeed([]Range{{100, 200000}}); err != nil {
		t.Fatal(err)
	}
	if err := f.WillNeed([]Range{{1 << 20, 1}}); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("WillNeed past end = %v, want ErrOutOfRange", err)
	}
}

// TestDropSharedPage pins two ranges sharing a page, drops one and checks the
// shared page stays resident until the other is unpinned too.
func TestDropSharedPage(t *testing.T) {
	for _, ps := range pageSizes {
		t.Run(fmt.Sprintf("page%dK", ps>>10), func(t *testing.T) {
			if ps%os.Getpagesize() != 0 {
				t.Skipf("page size %d below the OS page size", ps)
			}
			p := int64(ps)
			path := writePattern(t, testDir(t), 20*p)
			f := openT(t, path, Config{PageSize: ps})
			evictAll(t, f)
			// a covers pages 2..5 (ends 96 bytes into page 5), b covers 5..8.
			a := Range{Off: 2*p + 32, Len: 3*p + 64}
			b := Range{Off: a.End(), Len: 3*p + 32}
			if err := f.Pin([]Range{a, b}); err != nil {
				t.Fatal(err)
			}
			if f.Pins(5*p) != 2 || f.Pins(4*p) != 1 || f.Pins(9*p) != 0 {
				t.Fatalf("pins: page 4=%d 5=%d 9=%d", f.Pins(4*p), f.Pins(5*p), f.Pins(9*p))
			}
			ctx := context.Background()
			if err := f.Populate(ctx, []Range{a, b}); err != nil {
				t.Fatal(err)
			}
			expect := func(step string, want map[int64]bool) {
				t.Helper()
				res := resident(t, f, 0, 20)
				for pg := int64(2); pg <= 8; pg++ {
					if res[pg] != want[pg] {
						t.Errorf("%s: page %d resident=%v, want %v", step, pg, res[pg], want[pg])
					}
				}
			}
			if err := f.Drop([]Range{a}, nil); err != nil {
				t.Fatal(err)
			}
			all := map[int64]bool{2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true}
			expect("drop of pinned a", all)

			if err := f.Unpin([]Range{a}); err != nil {
				t.Fatal(err)
			}
			if err := f.Drop([]Range{a}, nil); err != nil {
				t.Fatal(err)
			}
			expect("drop of a while b pinned", map[int64]bool{5: true, 6: true, 7: true, 8: true})

			if err := f.Unpin([]Range{b}); err != nil {
				t.Fatal(err)
			}
			keep7 := func(off int64) bool { return off == 7*p }
			if err := f.Drop([]Range{b}, keep7); err != nil {
				t.Fatal(err)
			}
			expect("drop of b keeping page 7", map[int64]bool{7: true})
			if err := f.Unpin([]Range{b}); err == nil {
				t.Error("second Unpin of b accepted")
			}
		})
	}
}

// TestPopulateTruncated maps a file, truncates it and populates the vanished
// part: an error wrapping ErrFault, not a SIGBUS crash.
func TestPopulateTruncated(t *testing.T) {
	for _, touch := range []bool{false, true} {
		t.Run(fmt.Sprintf("touch=%v", touch), func(t *testing.T) {
			p := int64(os.Getpagesize())
			path := writePattern(t, testDir(t), 16*p)
			f := openT(t, path, Config{forceTouch: touch})
			if err := os.Truncate(path, 2*p); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := f.Populate(ctx, []Range{{0, 2 * p}}); err != nil {
				t.Fatalf("Populate of the surviving part: %v", err)
			}
			err := f.Populate(ctx, []Range{{5*p + 7, 3 * p}})
			if !errors.Is(err, ErrFault) {
				t.Fatalf("Populate of the truncated part = %v, want ErrFault", err)
			}
			t.Log(err)
		})
	}
}

func TestPopulateCancel(t *testing.T) {
	path := writePattern(t, testDir(t), 1<<20)
	f := openT(t, path, Config{ChunkSize: 64 << 10})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.Populate(ctx, []Range{{0, 1 << 20}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Populate with a cancelled context = %v", err)
	}
	if err := f.Populate(context.Background(), []Range{{-1, 2}}); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Populate of a negative range = %v", err)
	}
}

// TestBufferedFallbackDropsCache checks the Direct backend without O_DIRECT
// gives back the page cache its buffered reads caused, but not pinned pages.
func TestBufferedFallbackDropsCache(t *testing.T) {
	path := writePattern(t, testDir(t), 64<<10*4)
	f := openT(t, path, Config{Backend: Direct, OpenFile: refuseDirect, PageSize: 64 << 10})
	evictAll(t, f)
	pinned := Range{Off: 3 * 64 << 10, Len: 100}
	if err := f.Pin([]Range{pinned}); err != nil {
		t.Fatal(err)
	}
	if err := f.ReadAt(make([]byte, 4*64<<10), 0); err != nil {
		t.Fatal(err)
	}
	res := resident(t, f, 0, 4)
	if res[0] || res[1] || res[2] || !res[3] {
		t.Errorf("resident pages after fallback read %v, want only the pinned page 3", res)
	}
}
