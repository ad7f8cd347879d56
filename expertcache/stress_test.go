package expertcache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestStress runs many goroutines acquiring and releasing random experts of
// mixed sizes against a fake Source with random latency and errors, while
// another goroutine prefetches and cancels, and checks the invariants: the
// budget is never exceeded (Stats.MaxUsed, and the Allocator's own peak for
// buffer memory), every handle holds its expert's bytes, at most one Load per
// key at a time, every view load released and every buffer freed after Close,
// no goroutine left behind.
func TestStress(t *testing.T) {
	for _, tc := range []struct {
		name   string
		view   bool
		policy func() Policy
	}{
		{"copy-lru", false, NewLRU},
		{"copy-lfu", false, NewLFU},
		{"view-protect-lfu", true, func() Policy { return NewProtectPredicted(NewLFU()) }},
		{"copy-arc", false, NewARC},
	} {
		t.Run(tc.name, func(t *testing.T) { stress(t, tc.view, tc.policy()) })
	}
}

func stress(t *testing.T, view bool, policy Policy) {
	const (
		goroutines = 8
		ops        = 300
		layers     = 4
		experts    = 16
		budget     = 12_000
	)
	base := runtime.NumGoroutine()
	src := newFake(1000, view)
	for e := int32(0); e < experts; e += 5 {
		src.sizes[Key{1, e}] = 1500 // a second size class exercises the free list
	}
	var rmu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	rnd := func(n int) int { rmu.Lock(); defer rmu.Unlock(); return rng.IntN(n) }
	src.latency = func(Key) time.Duration { return time.Duration(rnd(200)) * time.Microsecond }
	src.failP = func(k Key) error {
		if rnd(100) < 3 {
			return fmt.Errorf("read expert %v: %w", k, errInjected)
		}
		return nil
	}
	alloc := &countingAllocator{}
	c, err := New(Config{Budget: budget, Source: src.source(), Allocator: alloc, Policy: policy,
		IOWorkers: 2, PrefetchQueue: 8})
	if err != nil {
		t.Fatal(err)
	}
	randKey := func() Key { return Key{int32(rnd(layers)), int32(rnd(experts))} }

	var wg sync.WaitGroup
	errs := make(chan error, goroutines+1)
	for g := range goroutines {
		wg.Go(func() {
			var held []*Handle
			for i := range ops {
				if len(held) == 2 || (len(held) > 0 && rnd(2) == 0) {
					j := rnd(len(held))
					held[j].Release()
					held = append(held[:j], held[j+1:]...)
					continue
				}
				k := randKey()
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(1+rnd(20))*time.Millisecond)
				h, err := c.Acquire(ctx, k)
				cancel()
				switch {
				case err == nil:
					if err := checkExpert(k, h.Expert()); err != nil {
						errs <- fmt.Errorf("goroutine %d op %d: %w", g, i, err)
						return
					}
					held = append(held, h)
				case errors.Is(err, errInjected), errors.Is(err, context.DeadlineExceeded):
				default:
					errs <- fmt.Errorf("goroutine %d op %d: unexpected error %w", g, i, err)
					return
				}
			}
			for _, h := range held {
				h.Release()
			}
		})
	}
	stop := make(chan struct{})
	var pwg sync.WaitGroup
	pwg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			for range 4 {
				c.Prefetch(randKey())
			}
			if rnd(8) == 0 {
				c.Evict(randKey()) // pinned ones become evicted-but-pinned
			}
			if rnd(4) == 0 {
				l := int32(rnd(layers))
				c.CancelPrefetches(func(k Key) bool { return k.Layer == l })
			}
			_ = c.Stats()
			if err := c.check(); err != nil {
				errs <- err
				return
			}
			time.Sleep(50 * time.Microsecond)
		}
	})
	wg.Wait()
	close(stop)
	pwg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	s := c.Stats()
	if s.MaxUsed > budget {
		t.Errorf("max used %d > budget %d", s.MaxUsed, budget)
	}
	if s.Pinned != 0 || s.EvictedPinned != 0 {
		t.Errorf("pins left: pinned %d, evicted-pinned %d", s.Pinned, s.EvictedPinned)
	}
	if s.Hits == 0 || s.Misses == 0 || s.Evictions == 0 || s.LoadErrors == 0 || s.PrefetchIssued == 0 || s.BudgetWaits == 0 {
		t.Errorf("stress did not exercise the cache: %+v", s)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if s := c.Stats(); s.Used != 0 || s.Resident != 0 || s.Free != 0 {
		t.Errorf("after Close: used %d resident %d free %d", s.Used, s.Resident, s.Free)
	}
	alloc.mu.Lock()
	if alloc.peak > budget || alloc.live != 0 {
		t.Errorf("allocator: peak %d (budget %d), live %d after Close", alloc.peak, budget, alloc.live)
	}
	alloc.mu.Unlock()
	src.mu.Lock()
	if src.maxIn > 1 {
		t.Errorf("%d concurrent Loads of one key", src.maxIn)
	}
	if view {
		for k, n := range src.live {
			if n != 0 {
				t.Errorf("expert %v: %d loads never released", k, n)
			}
		}
	}
	src.mu.Unlock()
	t.Logf("%+v", s)
	eventually(t, "goroutines gone", func() bool { return runtime.NumGoroutine() <= base })
}

// check verifies the accounting invariants and that the per-entry state adds
// up to the counters.
func (c *Cache) check() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkLocked(); err != nil {
		return err
	}
	var resident, pinned, loading int64
	for _, e := range c.m {
		switch e.state {
		case stateResident:
			resident += e.size
		case stateLoading:
			loading += e.size
		default:
			return fmt.Errorf("expert %v in the map in state %d", e.key, e.state)
		}
		if e.refs > 0 {
			pinned += e.size
		}
	}
	var detached int64
	for e := range c.detached {
		if e.refs <= 0 {
			return fmt.Errorf("detached expert %v has %d pins", e.key, e.refs)
		}
		detached += e.size
		pinned += e.size
	}
	if resident != c.resident || pinned != c.pinned || detached != c.evictedPinned ||
		resident+loading+detached+c.releasing != c.used {
		return fmt.Errorf("entries: resident %d pinned %d detached %d loading %d; counters: resident %d pinned %d evicted-pinned %d releasing %d used %d",
			resident, pinned, detached, loading, c.resident, c.pinned, c.evictedPinned, c.releasing, c.used)
	}
	return nil
}
