package pager

// Expert-load benchmarks: 3 ranges of 1.6 MB (an expert's gate/up/down) at
// random 32-byte-aligned offsets of a 1 GiB file, page cache dropped
// (POSIX_FADV_DONTNEED) between iterations, so every load is a cold read.
//
//	go test ./pager -run '^$' -bench ExpertLoad -benchtime 200x -count 3 | tee new.txt
//	benchstat old.txt new.txt
//
// EDGEMOE_PAGER_BENCH_MB sets the file size (default 1024); the file is made
// once per run next to the tests' temp files and removed by TestMain.

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

const expertSlice = 1_600_000

var bench struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// benchFile returns the shared benchmark file, creating it on first use.
func benchFile(b *testing.B) string {
	bench.once.Do(func() {
		mb := int64(1024)
		if s := os.Getenv("EDGEMOE_PAGER_BENCH_MB"); s != "" {
			if mb, bench.err = strconv.ParseInt(s, 10, 64); bench.err != nil {
				return
			}
		}
		if bench.dir, bench.err = os.MkdirTemp(filepath.Dir(testDir(b)), "pagerbench"); bench.err != nil {
			return
		}
		bench.path = writePattern(b, bench.dir, mb<<20)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.path
}

// expertRanges returns 3 slices at random 32-aligned offsets.
func expertRanges(rng *rand.Rand, size int64) []Range {
	rs := make([]Range, 3)
	for i := range rs {
		rs[i] = Range{Off: rng.Int64N((size-expertSlice)/32) * 32, Len: expertSlice}
	}
	return rs
}

// benchLoad runs load on fresh random ranges each iteration with a cold page
// cache, reporting MB/s and the storage bytes and major faults per load.
func benchLoad(b *testing.B, cfg Config, load func(f *File, rs []Range) error) {
	f := openT(b, benchFile(b), cfg)
	rng := rand.New(rand.NewPCG(7, 8))
	whole := []Range{{0, f.Size()}}
	b.SetBytes(3 * expertSlice)
	before, _ := ProcessIO()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		rs := expertRanges(rng, f.Size())
		if err := f.Drop(whole, nil); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := load(f, rs); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	after, _ := ProcessIO()
	d := after.Sub(before)
	b.ReportMetric(float64(d.ReadBytes)/float64(b.N)/1e6, "diskMB/op")
	b.ReportMetric(float64(d.MajorFaults)/float64(b.N), "majflt/op")
}

func BenchmarkExpertLoad(b *testing.B) {
	ctx := context.Background()
	readInto := func(f *File, rs []Range, dst [][]byte) error { return f.ReadRanges(ctx, rs, dst) }
	heap := [][]byte{make([]byte, expertSlice), make([]byte, expertSlice), make([]byte, expertSlice)}
	b.Run("direct-copy", func(b *testing.B) {
		benchLoad(b, Config{Backend: Direct}, func(f *File, rs []Range) error { return readInto(f, rs, heap) })
	})
	b.Run("direct-arena", func(b *testing.B) {
		arena, err := NewArena(3 * (expertSlice + 2<<20))
		if err != nil {
			b.Fatal(err)
		}
		defer arena.Close()
		bufs := make([][]byte, 3)
		for i := range bufs {
			if bufs[i], err = arena.Alloc(expertSlice + 2*int64(os.Getpagesize())); err != nil {
				b.Fatal(err)
			}
		}
		benchLoad(b, Config{Backend: Direct}, func(f *File, rs []Range) error {
			for i, r := range rs {
				if _, err := f.ReadAligned(ctx, r, bufs[i]); err != nil {
					return err
				}
			}
			return nil
		})
	})
	b.Run("direct-arena-parallel", func(b *testing.B) {
		arena, err := NewArena(3 * (expertSlice + 2<<20))
		if err != nil {
			b.Fatal(err)
		}
		defer arena.Close()
		bufs := make([][]byte, 3)
		for i := range bufs {
			if bufs[i], err = arena.Alloc(expertSlice + 2*int64(os.Getpagesize())); err != nil {
				b.Fatal(err)
			}
		}
		benchLoad(b, Config{Backend: Direct}, func(f *File, rs []Range) error {
			errs := make(chan error, len(rs))
			for i, r := range rs {
				go func() {
					_, err := f.ReadAligned(ctx, r, bufs[i])
					errs <- err
				}()
			}
			var first error
			for range rs {
				if err := <-errs; err != nil && first == nil {
					first = err
				}
			}
			return first
		})
	})
	b.Run("buffered", func(b *testing.B) {
		benchLoad(b, Config{}, func(f *File, rs []Range) error { return readInto(f, rs, heap) })
	})
	b.Run("mmap-populate", func(b *testing.B) {
		benchLoad(b, Config{}, func(f *File, rs []Range) error { return f.Populate(ctx, rs) })
	})
	b.Run("mmap-populate-readaround", func(b *testing.B) {
		benchLoad(b, Config{FaultReadahead: true}, func(f *File, rs []Range) error { return f.Populate(ctx, rs) })
	})
	b.Run("mmap-touch", func(b *testing.B) {
		benchLoad(b, Config{forceTouch: true}, func(f *File, rs []Range) error { return f.Populate(ctx, rs) })
	})
}

// BenchmarkMeasureDirectRead reports MeasureDirectRead's figure (the disk's
// sequential O_DIRECT bandwidth) at three block sizes.
func BenchmarkMeasureDirectRead(b *testing.B) {
	for _, tc := range []struct {
		name  string
		block int
		total int64
	}{{"4MiB", 4 << 20, 512 << 20}, {"128KiB", 128 << 10, 256 << 20}, {"4KiB", 4 << 10, 16 << 20}} {
		b.Run(tc.name, func(b *testing.B) {
			path := benchFile(b)
			var sum float64
			for range b.N {
				bps, err := MeasureDirectRead(path, tc.block, tc.total)
				if err != nil {
					b.Fatal(err)
				}
				sum += bps
			}
			b.ReportMetric(sum/float64(b.N)/1e6, "diskMB/s")
		})
	}
}
