package expertcache

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
)

// newTestCache builds a cache over a fake source with manual prefetch.
func newTestCache(t *testing.T, budget, size int64, view bool) (*Cache, *fakeSource, *countingAllocator) {
	t.Helper()
	src := newFake(size, view)
	alloc := &countingAllocator{}
	c, err := New(Config{Budget: budget, Source: src.source(), Allocator: alloc, manualPrefetch: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, src, alloc
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(200 * time.Microsecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (c *Cache) sleepers() (join, budget int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.joinSleepers, c.budgetSleepers
}

func TestConfigErrors(t *testing.T) {
	src := newFake(10, false)
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no budget", Config{Source: src}},
		{"negative budget", Config{Budget: -1, Source: src}},
		{"no source", Config{Budget: 10}},
		{"negative workers", Config{Budget: 10, Source: src, IOWorkers: -1}},
		{"negative queue", Config{Budget: 10, Source: src, PrefetchQueue: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if c, err := New(tc.cfg); err == nil {
				c.Close()
				t.Fatal("New accepted a bad config")
			}
		})
	}
}

func TestBadSize(t *testing.T) {
	c, src, _ := newTestCache(t, 100, 10, false)
	src.sizes[Key{0, 1}] = 0
	if _, err := c.Acquire(context.Background(), Key{0, 1}); err == nil {
		t.Fatal("Acquire accepted a zero-size expert")
	}
	src.sizes[Key{0, 2}] = 101
	if _, err := c.Acquire(context.Background(), Key{0, 2}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
}

// A loader whose ctx ends fails; a waiter with a live ctx takes over the load
// instead of inheriting the loader's cancellation.
func TestLoaderCancelWaiterRetries(t *testing.T) {
	c, src, _ := newTestCache(t, 300, 100, false)
	k := Key{2, 7}
	src.addFault(k, faultBlock)
	ctxA, cancelA := context.WithCancel(context.Background())
	errA := make(chan error, 1)
	go func() {
		h, err := c.Acquire(ctxA, k)
		if err == nil {
			h.Release()
		}
		errA <- err
	}()
	eventually(t, "loader parked", func() bool { src.mu.Lock(); defer src.mu.Unlock(); return src.blocked == 1 })
	type result struct {
		h   *Handle
		err error
	}
	resB := make(chan result, 1)
	go func() {
		h, err := c.Acquire(context.Background(), k)
		resB <- result{h, err}
	}()
	eventually(t, "waiter parked", func() bool { j, _ := c.sleepers(); return j == 1 })
	cancelA()
	if err := <-errA; !errors.Is(err, context.Canceled) {
		t.Fatalf("loader: got %v, want context.Canceled", err)
	}
	r := <-resB
	if r.err != nil {
		t.Fatalf("waiter: %v", r.err)
	}
	if err := checkExpert(k, r.h.Expert()); err != nil {
		t.Fatal(err)
	}
	r.h.Release()
	if s := c.Stats(); s.LoadErrors != 1 || s.Used != 100 {
		t.Fatalf("stats %+v: want 1 load error, 100 bytes used", s)
	}
}

// A waiter whose own ctx ends returns its error; the load goes on.
func TestWaiterCancel(t *testing.T) {
	c, src, _ := newTestCache(t, 300, 100, false)
	k := Key{1, 1}
	src.addFault(k, faultBlock)
	done := make(chan error, 1)
	go func() {
		h, err := c.Acquire(context.Background(), k)
		if err == nil {
			h.Release()
		}
		done <- err
	}()
	eventually(t, "loader parked", func() bool { src.mu.Lock(); defer src.mu.Unlock(); return src.blocked == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := c.Acquire(ctx, k); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiter: got %v, want DeadlineExceeded", err)
	}
	src.unblock(k)
	if err := <-done; err != nil {
		t.Fatalf("loader: %v", err)
	}
	if !c.Resident(k) {
		t.Fatal("expert not resident after its load")
	}
}

// A load that cannot get budget gives up with its ctx and leaves nothing.
func TestBudgetWaitCancel(t *testing.T) {
	c, _, _ := newTestCache(t, 100, 100, false)
	h, err := c.Acquire(context.Background(), Key{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Millisecond)
	defer cancel()
	if _, err := c.Acquire(ctx, Key{0, 1}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want DeadlineExceeded", err)
	}
	if s := c.Stats(); s.Used != 100 || s.BudgetWaits != 1 || c.Resident(Key{0, 1}) {
		t.Fatalf("stats %+v: want 100 used, 1 budget wait, 0/1 not resident", s)
	}
}

// Slow loads honour ctx: the Source is interrupted, not waited for.
func TestSlowLoadTimeout(t *testing.T) {
	c, src, _ := newTestCache(t, 100, 10, false)
	src.latency = func(Key) time.Duration { return time.Hour }
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, err := c.Acquire(ctx, Key{3, 3})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want DeadlineExceeded", err)
	}
	if s := c.Stats(); s.Used != 0 || s.LoadErrors != 1 {
		t.Fatalf("stats %+v: want nothing used, 1 load error", s)
	}
}

func TestErrorsNameKeyAndWrap(t *testing.T) {
	c, src, _ := newTestCache(t, 100, 10, false)
	k := Key{4, 9}
	src.addFault(k, faultEIO)
	_, err := c.Acquire(context.Background(), k)
	if !errors.Is(err, syscall.EIO) {
		t.Fatalf("got %v, want EIO", err)
	}
	if want := "expert 4/9"; !contains(err.Error(), want) {
		t.Fatalf("error %q does not name %q", err, want)
	}
	src.addFault(k, faultShort)
	if _, err := c.Acquire(context.Background(), k); !errors.Is(err, ErrShortLoad) {
		t.Fatalf("got %v, want ErrShortLoad", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// shapedSource checks per-slice lengths through Shaper.
type shapedSource struct {
	*fakeSource
	g, u, d int
}

func (s shapedSource) Shape(Key) (int, int, int) { return s.g, s.u, s.d }

func TestShaper(t *testing.T) {
	for _, tc := range []struct {
		name    string
		g, u, d int
		wantErr bool
	}{
		{"match", 33, 33, 34, false},
		{"gate differs", 34, 32, 34, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := shapedSource{newFake(100, false), tc.g, tc.u, tc.d}
			c, err := New(Config{Budget: 100, Source: src, manualPrefetch: true})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			h, err := c.Acquire(context.Background(), Key{0, 0})
			if gotErr := err != nil; gotErr != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil {
				h.Release()
			} else if !errors.Is(err, ErrShortLoad) {
				t.Fatalf("got %v, want ErrShortLoad", err)
			}
		})
	}
}

// A view source whose load fails the shape check still gets its Release.
func TestReleaserAfterBadShape(t *testing.T) {
	c, src, _ := newTestCache(t, 100, 10, true)
	src.addFault(Key{0, 0}, faultShort)
	if _, err := c.Acquire(context.Background(), Key{0, 0}); !errors.Is(err, ErrShortLoad) {
		t.Fatalf("got %v", err)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.live[Key{0, 0}] != 0 {
		t.Fatalf("source holds %d loads of 0/0, want 0", src.live[Key{0, 0}])
	}
}

func TestDoubleRelease(t *testing.T) {
	c, _, _ := newTestCache(t, 100, 10, false)
	h, err := c.Acquire(context.Background(), Key{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	h.Release()
	panicked := func() (p bool) {
		defer func() { p = recover() != nil }()
		h.Release()
		return false
	}()
	if panicked != invariants {
		t.Fatalf("double release panicked=%v, want %v", panicked, invariants)
	}
	if got, want := c.Stats().DoubleReleases, map[bool]uint64{false: 1, true: 0}[invariants]; got != want {
		t.Fatalf("DoubleReleases = %d, want %d", got, want)
	}
	if s := c.Stats(); s.Pinned != 0 {
		t.Fatalf("pinned %d after double release", s.Pinned)
	}
}

// Stall time is measured with the configured clock, on misses only.
func TestStallClock(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(0, 0)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Millisecond)
		return now
	}
	src := newFake(10, false)
	c, err := New(Config{Budget: 100, Source: src, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for range 2 {
		h, err := c.Acquire(context.Background(), Key{1, 2})
		if err != nil {
			t.Fatal(err)
		}
		h.Release()
	}
	s := c.Stats()
	if s.Stall != time.Millisecond || s.Layers[1].Stall != time.Millisecond {
		t.Fatalf("stall %v (layer 1: %v), want 1ms from one miss", s.Stall, s.Layers[1].Stall)
	}
	if s.Hits != 1 || s.Misses != 1 || s.Layers[1].Hits != 1 || s.Layers[1].Misses != 1 {
		t.Fatalf("stats %+v", s)
	}
}

// Real workers run queued prefetches; Close cancels a prefetch stuck in Load
// and leaves no goroutine behind.
func TestWorkersAndClose(t *testing.T) {
	base := runtime.NumGoroutine()
	src := newFake(10, false)
	c, err := New(Config{Budget: 100, Source: src, IOWorkers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Prefetch(Key{0, 1}) {
		t.Fatal("prefetch not queued")
	}
	eventually(t, "prefetch resident", func() bool { return c.Resident(Key{0, 1}) })
	h, err := c.Acquire(context.Background(), Key{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	h.Release()
	if s := c.Stats(); s.PrefetchUsed != 1 || s.Hits != 1 {
		t.Fatalf("stats %+v: want prefetch used, hit", s)
	}
	src.addFault(Key{0, 2}, faultBlock)
	c.Prefetch(Key{0, 2})
	eventually(t, "prefetch parked", func() bool { src.mu.Lock(); defer src.mu.Unlock(); return src.blocked == 1 })
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Acquire(context.Background(), Key{0, 1}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Acquire after Close: %v", err)
	}
	if c.Prefetch(Key{0, 3}) {
		t.Fatal("Prefetch after Close queued")
	}
	eventually(t, "goroutines gone", func() bool { return runtime.NumGoroutine() <= base })
}
