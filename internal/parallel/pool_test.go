package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
)

func TestRunCoversEachIndexOnce(t *testing.T) {
	for _, tc := range []struct{ workers, n, grain int }{
		{1, 10, 3}, {2, 1, 1}, {2, 7, 1}, {2, 100, 7}, {3, 1000, 64}, {4, 5, 100}, {8, 333, 4},
	} {
		p := New(Config{Workers: tc.workers})
		hits := make([]atomic.Int32, tc.n)
		for rep := 0; rep < 3; rep++ {
			p.RunGrain(tc.n, tc.grain, func(lo, hi int) {
				if hi-lo > tc.grain || lo%tc.grain != 0 {
					t.Errorf("%+v: chunk [%d,%d) not aligned to grain", tc, lo, hi)
				}
				for i := lo; i < hi; i++ {
					hits[i].Add(1)
				}
			})
		}
		for i := range hits {
			if h := hits[i].Load(); h != 3 {
				t.Fatalf("%+v: index %d ran %d times in 3 runs", tc, i, h)
			}
		}
		p.Close()
		p.Close() // idempotent
	}
}

func TestNilAndClosedPoolRunInline(t *testing.T) {
	var nilPool *Pool
	closed := New(Config{Workers: 2})
	closed.Close()
	for name, p := range map[string]*Pool{"nil": nilPool, "closed": closed} {
		sum := 0
		p.Run(100, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				sum += i // no race: inline
			}
		})
		if sum != 4950 {
			t.Errorf("%s pool: sum %d, want 4950", name, sum)
		}
	}
	if nilPool.Workers() != 1 || nilPool.PinErr() != nil {
		t.Error("nil pool: want 1 worker and no pin error")
	}
}

func TestDefaultSize(t *testing.T) {
	p := New(Config{})
	defer p.Close()
	if p.Workers() != runtime.GOMAXPROCS(0) {
		t.Errorf("workers %d, want GOMAXPROCS %d", p.Workers(), runtime.GOMAXPROCS(0))
	}
	q := New(Config{CPUs: []int{0}})
	defer q.Close()
	if q.Workers() != 1 {
		t.Errorf("CPUs [0]: workers %d, want 1", q.Workers())
	}
}

func TestPinning(t *testing.T) {
	p := New(Config{Workers: 2, CPUs: []int{0}})
	defer p.Close()
	var n atomic.Int32
	p.RunGrain(64, 1, func(lo, hi int) { n.Add(int32(hi - lo)) })
	if n.Load() != 64 {
		t.Fatalf("ran %d items, want 64", n.Load())
	}
	if err := p.PinErr(); err != nil {
		t.Logf("pinning to cpu 0 failed (best-effort): %v", err)
	}
}

func TestGrain(t *testing.T) {
	p := New(Config{Workers: 2})
	defer p.Close()
	for _, tc := range []struct{ n, align, want int }{
		{0, 4, 4}, {1, 1, 1}, {80, 1, 10}, {80, 4, 12}, {1000, 16, 128},
	} {
		if g := p.Grain(tc.n, tc.align); g != tc.want {
			t.Errorf("Grain(%d, %d) = %d, want %d", tc.n, tc.align, g, tc.want)
		}
	}
}

func TestRunAllocatesNothing(t *testing.T) {
	p := New(Config{Workers: 2})
	defer p.Close()
	var sink atomic.Int64
	fn := func(lo, hi int) { sink.Add(int64(hi - lo)) }
	if a := testing.AllocsPerRun(100, func() { p.RunGrain(1024, 16, fn) }); a != 0 {
		t.Errorf("Run allocates %v times per call, want 0", a)
	}
}

// BenchmarkRun measures the fixed cost of one Run (wake-up and join);
// allocs/op must be 0.
func BenchmarkRun(b *testing.B) {
	p := New(Config{})
	defer p.Close()
	var sink atomic.Int64
	fn := func(lo, hi int) { sink.Add(int64(hi - lo)) }
	b.ReportAllocs()
	for range b.N {
		p.RunGrain(64, 8, fn)
	}
}
