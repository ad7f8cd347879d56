package expertcache

import (
	"errors"
	"time"
)

// Config configures a Cache. Budget and Source are required; every other
// field has a default applied by New (see withDefaults). A Config is read once
// by New and not retained by reference.
type Config struct {
	// Budget is the hard limit, in bytes, on the experts that exist at once:
	// resident, loading, or evicted but still pinned. It also bounds the
	// cache's free list: live plus free buffer memory stays within it.
	Budget int64
	// Policy chooses eviction victims. nil means NewLRU(). The Cache owns the
	// Policy after New: it must not be shared between caches.
	Policy Policy
	// Source loads experts. Required.
	Source Source
	// Allocator provides the memory lent to Source.Load. nil means Go heap.
	Allocator Allocator
	// IOWorkers is the number of prefetch goroutines; 0 means 2.
	IOWorkers int
	// PrefetchQueue bounds the queue of not-yet-started prefetches; 0 means
	// 64. Prefetch drops requests when it is full.
	PrefetchQueue int
	// PrefetchInFlight bounds the prefetch loads reading at once, so that a
	// demand miss arriving later waits behind few of them; 0 means 1.
	PrefetchInFlight int
	// PrefetchProtect is how many demand acquisitions an expert stays safe
	// from eviction by a prefetch load after it was last demanded. 0 means
	// half the number of such experts the budget holds (at least 1).
	PrefetchProtect int
	// WorkerStart, if set, runs first on each prefetch I/O goroutine (for
	// example to lower its OS thread's CPU priority). It runs once per
	// worker, concurrently with the others.
	WorkerStart func()
	// Clock is a test hook for the stall-time statistic; nil means time.Now.
	Clock func() time.Time

	// manualPrefetch (tests only) starts no workers: queued prefetches run
	// only when a test calls prefetchStep.
	manualPrefetch bool
}

const (
	defaultIOWorkers     = 2
	defaultPrefetchQueue = 64
)

// withDefaults validates cfg and fills in the defaults.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Budget <= 0 {
		return cfg, errors.New("expertcache: budget must be positive")
	}
	if cfg.Source == nil {
		return cfg, errors.New("expertcache: config has no source")
	}
	if cfg.Policy == nil {
		cfg.Policy = NewLRU()
	}
	if cfg.Allocator == nil {
		cfg.Allocator = heapAllocator{}
	}
	if cfg.IOWorkers < 0 || cfg.PrefetchQueue < 0 || cfg.PrefetchProtect < 0 || cfg.PrefetchInFlight < 0 {
		return cfg, errors.New("expertcache: negative worker, queue, in-flight or protect count")
	}
	if cfg.PrefetchInFlight == 0 {
		cfg.PrefetchInFlight = 1
	}
	if cfg.IOWorkers == 0 {
		cfg.IOWorkers = defaultIOWorkers
	}
	if cfg.PrefetchQueue == 0 {
		cfg.PrefetchQueue = defaultPrefetchQueue
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return cfg, nil
}
