package pager

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"testing"
)

// readConfigs are the read paths every correctness test runs through.
func readConfigs() map[string]Config {
	return map[string]Config{
		"mmap-buffered":   {Backend: Mmap},
		"direct":          {Backend: Direct},
		"direct-chunk8K":  {Backend: Direct, ChunkSize: 8 << 10, ScratchBuffers: 1},
		"direct-align64K": {Backend: Direct, DirectAlign: 64 << 10, PageSize: 64 << 10},
		"direct-refused":  {Backend: Direct, OpenFile: refuseDirect},
	}
}

func TestReadAtMatchesPread(t *testing.T) {
	const size = 3<<20 + 12345
	path := writePattern(t, testDir(t), size)
	plain, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	cases := []Range{
		{0, 1}, {1, 4095}, {4095, 2}, {4096, 4096}, {31, 1600 << 10}, {32, 100},
		{8191, 8194}, {size - 1, 1}, {size - 5000, 5000}, {12345, 2<<20 + 7}, {0, size},
	}
	for name, cfg := range readConfigs() {
		t.Run(name, func(t *testing.T) {
			f := openT(t, path, cfg)
			if want := cfg.Backend == Direct && cfg.OpenFile == nil; f.DirectActive() != want {
				t.Fatalf("DirectActive = %v, want %v", f.DirectActive(), want)
			}
			for _, r := range cases {
				got := make([]byte, r.Len)
				if err := f.ReadAt(got, r.Off); err != nil {
					t.Fatalf("ReadAt %v: %v", r, err)
				}
				want := make([]byte, r.Len)
				if _, err := plain.ReadAt(want, r.Off); err != nil {
					t.Fatal(err)
				}
				checkPattern(t, want, r.Off, "os.File.ReadAt")
				checkPattern(t, got, r.Off, "ReadAt "+r.String())
			}
		})
	}
}

func TestReadPastEnd(t *testing.T) {
	const size = 100000
	for name, cfg := range readConfigs() {
		t.Run(name, func(t *testing.T) {
			path := writePattern(t, testDir(t), size)
			f := openT(t, path, cfg)
			err := f.ReadAt(make([]byte, 10), size-5)
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("ReadAt past end = %v, want ErrUnexpectedEOF", err)
			}
			// Shrink the file under the open File: a short read, not garbage.
			if err := os.Truncate(path, 50000); err != nil {
				t.Fatal(err)
			}
			err = f.ReadAt(make([]byte, 1000), 60000)
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("ReadAt of truncated part = %v, want ErrUnexpectedEOF", err)
			}
			t.Log(err)
		})
	}
}

func TestGroupRanges(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rs    []Range
		gap   int64
		limit int64
		want  []group
	}{
		{"adjacent", []Range{{0, 10}, {10, 10}, {20, 5}}, 0, 100, []group{{Range{0, 25}, []int{0, 1, 2}}}},
		{"unsorted with gap", []Range{{100, 10}, {0, 10}}, 90, 200, []group{{Range{0, 110}, []int{1, 0}}}},
		{"gap too big", []Range{{0, 10}, {100, 10}}, 89, 200, []group{{Range{0, 10}, []int{0}}, {Range{100, 10}, []int{1}}}},
		{"limit splits", []Range{{0, 60}, {60, 60}}, 0, 100, []group{{Range{0, 60}, []int{0}}, {Range{60, 60}, []int{1}}}},
		{"overlap", []Range{{0, 50}, {10, 10}}, 0, 100, []group{{Range{0, 50}, []int{0, 1}}}},
		{"empty skipped", []Range{{5, 0}, {0, 10}}, 0, 100, []group{{Range{0, 10}, []int{1}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := groupRanges(tc.rs, tc.gap, tc.limit)
			if len(got) != len(tc.want) {
				t.Fatalf("groups %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i].span != tc.want[i].span || len(got[i].idx) != len(tc.want[i].idx) {
					t.Fatalf("group %d = %v, want %v", i, got[i], tc.want[i])
				}
				for j := range got[i].idx {
					if got[i].idx[j] != tc.want[i].idx[j] {
						t.Fatalf("group %d = %v, want %v", i, got[i], tc.want[i])
					}
				}
			}
		})
	}
}

func TestReadRanges(t *testing.T) {
	const size = 8 << 20
	path := writePattern(t, testDir(t), size)
	sets := map[string][]Range{
		"expert adjacent": {{1 << 20, 1600 << 10}, {1<<20 + 1600<<10, 1600 << 10}, {1<<20 + 3200<<10, 1600 << 10}},
		"expert spread":   {{5<<20 + 32, 1600 << 10}, {64, 1600 << 10}, {3<<20 + 96, 1600 << 10}},
		"small gaps":      {{100, 200}, {400, 50}, {60000, 3}, {4095, 2}},
		"overlap empty":   {{100, 5000}, {200, 10}, {7000, 0}, {size - 3, 3}},
	}
	for name, cfg := range readConfigs() {
		t.Run(name, func(t *testing.T) {
			f := openT(t, path, cfg)
			for sname, rs := range sets {
				dst := make([][]byte, len(rs))
				for i, r := range rs {
					dst[i] = make([]byte, r.Len)
				}
				if err := f.ReadRanges(context.Background(), rs, dst); err != nil {
					t.Fatalf("%s: %v", sname, err)
				}
				for i, r := range rs {
					checkPattern(t, dst[i], r.Off, sname+" "+r.String())
				}
			}
			if err := f.ReadRanges(context.Background(), []Range{{0, 10}}, [][]byte{make([]byte, 9)}); err == nil {
				t.Error("ReadRanges accepted a buffer of the wrong length")
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if err := f.ReadRanges(ctx, []Range{{0, 10}}, [][]byte{make([]byte, 10)}); !errors.Is(err, context.Canceled) {
				t.Errorf("ReadRanges with a cancelled context = %v", err)
			}
		})
	}
}

func TestReadAligned(t *testing.T) {
	const size = 4<<20 + 100
	path := writePattern(t, testDir(t), size)
	arena, err := NewArena(8 << 20)
	if err != nil {
		t.Fatal(err)
	}
	defer arena.Close()
	for name, cfg := range readConfigs() {
		t.Run(name, func(t *testing.T) {
			f := openT(t, path, cfg)
			for _, r := range []Range{{32, 1600 << 10}, {4096, 4096}, {size - 77, 77}, {5, 1}} {
				span, skip := f.AlignedSpan(r)
				if span.Off%f.DirectAlign() != 0 || span.Len%f.DirectAlign() != 0 || span.Off+skip != r.Off {
					t.Fatalf("AlignedSpan(%v) = %v+%d", r, span, skip)
				}
				buf, err := arena.Alloc(span.Len + f.DirectAlign())
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range [][]byte{alignSlice(buf, f.DirectAlign()), buf[1:]} { // aligned, then misaligned
					view, err := f.ReadAligned(context.Background(), r, b)
					if err != nil {
						t.Fatalf("ReadAligned %v: %v", r, err)
					}
					if int64(len(view)) != r.Len || &view[0] != &b[skip] {
						t.Fatalf("ReadAligned %v: view of %d bytes not at skip %d", r, len(view), skip)
					}
					checkPattern(t, view, r.Off, "ReadAligned "+r.String())
				}
				if _, err := f.ReadAligned(context.Background(), r, buf[:span.Len-1]); err == nil {
					t.Errorf("ReadAligned %v accepted a short buffer", r)
				}
				for _, bad := range []Range{{0, -10}, {-5, 10}, {size - 1, 2}} {
					if _, err := f.ReadAligned(context.Background(), bad, buf); !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Errorf("ReadAligned %v = %v, want ErrUnexpectedEOF", bad, err)
					}
				}
				if err := arena.Free(buf); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestClosed(t *testing.T) {
	path := writePattern(t, testDir(t), 10000)
	f, err := Open(path, Config{Backend: Direct})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rs := []Range{{0, 10}}
	for name, err := range map[string]error{
		"Close":      f.Close(),
		"ReadAt":     f.ReadAt(make([]byte, 1), 0),
		"ReadRanges": f.ReadRanges(ctx, rs, [][]byte{make([]byte, 10)}),
		"Populate":   f.Populate(ctx, rs),
		"WillNeed":   f.WillNeed(rs),
		"Drop":       f.Drop(rs, nil),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
}

func TestOpenConfig(t *testing.T) {
	path := writePattern(t, testDir(t), 1000)
	page := os.Getpagesize()
	for _, tc := range []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero value", Config{}, true},
		{"16K pages", Config{PageSize: 16 << 10}, true},
		{"64K pages", Config{PageSize: 64 << 10}, true},
		{"not power of two", Config{PageSize: 3 * page}, false},
		{"below OS page", Config{PageSize: page / 2}, false},
		{"bad align", Config{DirectAlign: 1000}, false},
		{"bad backend", Config{Backend: 7}, false},
		{"negative chunk", Config{ChunkSize: -1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Open(path, tc.cfg)
			if (err == nil) != tc.ok {
				t.Fatalf("Open = %v, want ok=%v", err, tc.ok)
			}
			if err == nil {
				if f.Size() != 1000 || len(f.Mapping()) != 1000 {
					t.Errorf("size %d mapping %d", f.Size(), len(f.Mapping()))
				}
				checkPattern(t, f.View(Range{10, 500}), 10, "View")
				if f.View(Range{990, 11}) != nil {
					t.Error("View past end not nil")
				}
				f.Close()
			}
		})
	}
	if _, err := Open(path+".missing", Config{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of a missing file = %v", err)
	}
}

// TestConcurrentReads runs readers against one File with a single scratch
// buffer (run with -race).
func TestConcurrentReads(t *testing.T) {
	const size = 2 << 20
	path := writePattern(t, testDir(t), size)
	f := openT(t, path, Config{Backend: Direct, ScratchBuffers: 1, ChunkSize: 64 << 10})
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			rs := []Range{{int64(g)*1000 + 5, 100000}, {int64(g)*1000 + 200000, 3000}}
			dst := [][]byte{make([]byte, rs[0].Len), make([]byte, rs[1].Len)}
			for range 20 {
				if err := f.ReadRanges(context.Background(), rs, dst); err != nil {
					errs <- err
					return
				}
				for i, r := range rs {
					for j, c := range dst[i] {
						if c != patternByte(r.Off+int64(j)) {
							errs <- fmt.Errorf("goroutine %d: byte %d of %v wrong", g, j, r)
							return
						}
					}
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestReadRandomRanges reads random unaligned ranges through every read path
// (including 512-byte direct alignment and tiny chunks) against the pattern.
func TestReadRandomRanges(t *testing.T) {
	const size = 1<<20 + 333
	path := writePattern(t, testDir(t), size)
	cfgs := readConfigs()
	cfgs["direct-align512-chunk4K"] = Config{Backend: Direct, DirectAlign: 512, ChunkSize: 4096}
	rng := rand.New(rand.NewPCG(3, 4))
	for name, cfg := range cfgs {
		t.Run(name, func(t *testing.T) {
			f := openT(t, path, cfg)
			for range 60 {
				n := 1 + rng.IntN(3)
				rs := make([]Range, n)
				dst := make([][]byte, n)
				for i := range rs {
					off := rng.Int64N(size)
					rs[i] = Range{Off: off, Len: rng.Int64N(min(size-off, 300000) + 1)}
					dst[i] = make([]byte, rs[i].Len)
				}
				if err := f.ReadRanges(context.Background(), rs, dst); err != nil {
					t.Fatalf("ReadRanges %v: %v", rs, err)
				}
				for i, r := range rs {
					checkPattern(t, dst[i], r.Off, "random "+r.String())
				}
			}
		})
	}
}

// TestDirectRefusedAtRead makes O_DIRECT reads misaligned for the device
// (256-byte alignment on a 512-byte logical block device): the kernel answers
// EINVAL at read time and the File must fall back to buffered reads.
func TestDirectRefusedAtRead(t *testing.T) {
	path := writePattern(t, testDir(t), 100000)
	f := openT(t, path, Config{Backend: Direct, DirectAlign: 256})
	if !f.DirectActive() {
		t.Skip("O_DIRECT refused at open here")
	}
	got := make([]byte, 300)
	if err := f.ReadAt(got, 256+7); err != nil {
		t.Fatal(err)
	}
	checkPattern(t, got, 256+7, "ReadAt after refusal")
	if f.DirectActive() {
		t.Skip("the device accepts 256-byte aligned O_DIRECT reads; refusal not exercised")
	}
	if err := f.ReadAt(got, 1000); err != nil {
		t.Fatal(err)
	}
	checkPattern(t, got, 1000, "ReadAt after fallback")
}
