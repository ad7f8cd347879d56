package pager

import "testing"

func TestAlign(t *testing.T) {
	for _, tc := range []struct{ x, a, down, up int64 }{
		{0, 4096, 0, 0},
		{1, 4096, 0, 4096},
		{4095, 4096, 0, 4096},
		{4096, 4096, 4096, 4096},
		{4097, 16384, 0, 16384},
		{65536, 65536, 65536, 65536},
		{65537, 65536, 65536, 131072},
		{31, 32, 0, 32},
	} {
		if got := alignDown(tc.x, tc.a); got != tc.down {
			t.Errorf("alignDown(%d, %d) = %d, want %d", tc.x, tc.a, got, tc.down)
		}
		if got := alignUp(tc.x, tc.a); got != tc.up {
			t.Errorf("alignUp(%d, %d) = %d, want %d", tc.x, tc.a, got, tc.up)
		}
	}
}

func TestPageSpan(t *testing.T) {
	const k = 1024
	for _, tc := range []struct {
		name       string
		r          Range
		ps         int64
		first, end int64
		span       Range
		skip       int64
	}{
		{"empty", Range{100, 0}, 4 * k, 0, 0, Range{0, 0}, 100},
		{"one byte", Range{5, 1}, 4 * k, 0, 1, Range{0, 4 * k}, 5},
		{"exact page 4K", Range{4 * k, 4 * k}, 4 * k, 1, 2, Range{4 * k, 4 * k}, 0},
		{"straddle 4K", Range{4*k - 32, 64}, 4 * k, 0, 2, Range{0, 8 * k}, 4*k - 32},
		{"gguf 32-aligned 16K", Range{96, 1600 * k}, 16 * k, 0, 101, Range{0, 1616 * k}, 96},
		{"odd offset 16K", Range{16*k + 7, 16 * k}, 16 * k, 1, 3, Range{16 * k, 32 * k}, 7},
		{"inside one 64K page", Range{64*k + 100, 1000}, 64 * k, 1, 2, Range{64 * k, 64 * k}, 100},
		{"ends on 64K boundary", Range{32, 128*k - 32}, 64 * k, 0, 2, Range{0, 128 * k}, 32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first, end := pageSpan(tc.r, tc.ps)
			if first != tc.first || end != tc.end {
				t.Errorf("pageSpan(%v, %d) = [%d, %d), want [%d, %d)", tc.r, tc.ps, first, end, tc.first, tc.end)
			}
			if tc.r.Len == 0 {
				return
			}
			span, skip := alignedSpan(tc.r, tc.ps)
			if span != tc.span || skip != tc.skip {
				t.Errorf("alignedSpan(%v, %d) = %v+%d, want %v+%d", tc.r, tc.ps, span, skip, tc.span, tc.skip)
			}
		})
	}
}

func TestRangeWithin(t *testing.T) {
	for _, tc := range []struct {
		r  Range
		ok bool
	}{
		{Range{0, 100}, true},
		{Range{100, 0}, true},
		{Range{99, 1}, true},
		{Range{99, 2}, false},
		{Range{-1, 1}, false},
		{Range{0, -1}, false},
		{Range{101, 0}, false},
		{Range{1, 1<<63 - 1}, false},
	} {
		if err := tc.r.within(100); (err == nil) != tc.ok {
			t.Errorf("%v.within(100) = %v, want ok=%v", tc.r, err, tc.ok)
		}
	}
}
