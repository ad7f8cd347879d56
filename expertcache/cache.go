package expertcache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

var (
	// ErrClosed is returned by Acquire after Close.
	ErrClosed = errors.New("expertcache: cache closed")
	// ErrTooLarge is returned when one expert is larger than the whole budget.
	ErrTooLarge = errors.New("expertcache: expert larger than the budget")
	// ErrShortLoad wraps a load whose slices do not have the expected lengths.
	ErrShortLoad = errors.New("expertcache: short load")
)

// state is where an entry is in its life.
type state uint8

const (
	stateLoading  state = iota // in the map, Source.Load running
	stateResident              // in the map, usable
	stateDetached              // evicted while pinned: out of the map, still budgeted
)

// entry is one expert the cache knows about. Fields are guarded by Cache.mu
// except buf, which the loader owns while state is stateLoading.
type entry struct {
	key        Key
	size       int64
	refs       int32
	state      state
	demand     bool          // loaded by a demand Acquire (else by a prefetch)
	prefetched bool          // loaded by prefetch and not yet demanded
	retry      bool          // load failed because its loader gave up: waiters retry
	memHeld    bool          // size bytes are counted in Cache.memCommit
	sleepers   int           // Acquires waiting on done, not yet woken (test hook)
	lastDemand uint64        // Cache.demandSeq at the last demand pin; 0 = never
	predicted  bool          // resident and predicted in the current window (Cache.predictedRes)
	done       chan struct{} // closed when the load ends
	err        error         // load error, set before done is closed
	buf        Buffer
}

// Cache is a budgeted cache of pinned experts. Create it with New; the zero
// value is not usable. All methods are safe for concurrent use.
type Cache struct {
	cfg      Config
	releaser Releaser // cfg.Source as a Releaser, or nil
	shaper   Shaper   // cfg.Source as a Shaper, or nil
	ctx      context.Context
	cancel   context.CancelFunc
	workers  sync.WaitGroup
	loads    sync.WaitGroup // every Source.Load in flight

	mu       sync.Mutex
	workCond *sync.Cond // signals the prefetch workers; uses mu
	closed   bool
	m        map[Key]*entry
	detached map[*entry]struct{}

	used, pinned, resident, evictedPinned int64 // bytes
	releasing                             int64 // part of used awaiting Releaser.Release
	memCommit, freeBytes                  int64 // buffer memory lent out or promised / kept free
	free                                  map[int64][][]byte

	budgetWaiters  int           // demand Acquires waiting for room (until they relock)
	budgetSleepers int           // of those, the ones not yet woken (test hook)
	budgetCh       chan struct{} // closed and replaced to wake them
	joinSleepers   int           // Acquires waiting for another's load, not yet woken (test hook)
	demandLoads    int           // demand Source.Loads in flight
	demandSeq      uint64        // number of demand pins so far
	window         uint64        // protection window of the current prefetch reservation

	queue  []Key // prefetches not yet started, oldest first
	queued map[Key]struct{}
	// prefetchLoads counts prefetch Source.Loads in flight (at most
	// cfg.PrefetchInFlight); predictedRes the resident entries marked
	// predicted by Prefetch until CancelPrefetches ends their window.
	prefetchLoads int
	predictedRes  []*entry
	// layerResident counts each layer's resident experts (indexed by
	// layer, grown on first use).
	layerResident []int32

	st        counters
	layers    []LayerStats
	layerSink LayerStats // events of layers beyond maxStatLayers

	pendRel  []*entry // entries to hand to Releaser after unlock
	pendFree [][]byte // buffers to hand to Allocator.Free after unlock
	evDemand func(Key) bool
	evPrefet func(Key) bool
	// evUnpredicted[0] and [1]: evPrefet and evDemand, also refusing
	// predicted entries.
	evUnpredicted [2]func(Key) bool

	doubleReleases atomic.Uint64
	handles        sync.Pool
}

// New returns a Cache for cfg and starts its prefetch workers. Close it to
// stop them.
func New(cfg Config) (*Cache, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Cache{
		cfg:      cfg,
		m:        make(map[Key]*entry),
		detached: make(map[*entry]struct{}),
		free:     make(map[int64][][]byte),
		budgetCh: make(chan struct{}),
		queue:    make([]Key, 0, cfg.PrefetchQueue),
		queued:   make(map[Key]struct{}),
	}
	c.releaser, _ = cfg.Source.(Releaser)
	c.shaper, _ = cfg.Source.(Shaper)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.workCond = sync.NewCond(&c.mu)
	c.evDemand = c.evictableDemand
	c.evPrefet = c.evictablePrefetch
	c.evUnpredicted[0] = func(k Key) bool { return c.evictablePrefetch(k) && !c.m[k].predicted }
	c.evUnpredicted[1] = func(k Key) bool { return c.evictableDemand(k) && !c.m[k].predicted }
	c.handles.New = func() any { return new(Handle) }
	if !cfg.manualPrefetch {
		for range cfg.IOWorkers {
			c.workers.Go(c.worker)
		}
	}
	return c, nil
}

// Resident reports whether k is loaded and usable without I/O now.
func (c *Cache) Resident(k Key) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[k]
	return e != nil && e.state == stateResident
}

// LayerResident reports how many of layer's experts are resident now. A
// prefetcher that knows a layer's expert count can skip predicting for a
// layer that is wholly resident.
func (c *Cache) LayerResident(layer int32) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if layer < 0 || int(layer) >= len(c.layerResident) {
		return 0
	}
	return int(c.layerResident[layer])
}

// LayerMisses reports layer's demand misses so far (0 for layers beyond the
// per-layer statistics).
func (c *Cache) LayerMisses(layer int32) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if layer < 0 || int(layer) >= len(c.layers) {
		return 0
	}
	return c.layers[layer].Misses
}

// addLayerResidentLocked adds d to k's layer resident count.
func (c *Cache) addLayerResidentLocked(k Key, d int32) {
	if int(k.Layer) >= len(c.layerResident) {
		c.layerResident = append(c.layerResident, make([]int32, int(k.Layer)+1-len(c.layerResident))...)
	}
	c.layerResident[k.Layer] += d
}

// Close cancels queued and in-flight prefetches, stops the workers, waits for
// every in-flight load (demand loads run to completion), and drops every
// unpinned expert. Pinned experts stay valid until released. Acquire after
// Close returns ErrClosed. Close is idempotent and returns nil.
func (c *Cache) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.cancelQueuedLocked(nil)
	c.cancel()
	c.workCond.Broadcast()
	c.wakeBudgetLocked()
	c.mu.Unlock()

	c.workers.Wait()
	c.loads.Wait()

	c.mu.Lock()
	for _, e := range c.m {
		c.evictLocked(e)
	}
	for size, bufs := range c.free {
		c.pendFree = append(c.pendFree, bufs...)
		c.freeBytes -= size * int64(len(bufs))
		delete(c.free, size)
	}
	c.unlockAndDrain()
	return nil
}

// checkKey rejects keys that cannot name an expert.
func checkKey(k Key) error {
	if k.Layer < 0 || k.Expert < 0 {
		return fmt.Errorf("expertcache: invalid key %v", k)
	}
	return nil
}

// sizeOf asks the Source for k's cost and checks it against the budget.
func (c *Cache) sizeOf(k Key) (int64, error) {
	size := c.cfg.Source.Size(k)
	switch {
	case size <= 0:
		return 0, fmt.Errorf("expertcache: expert %v: source reports size %d", k, size)
	case size > c.cfg.Budget:
		return 0, fmt.Errorf("expertcache: expert %v needs %d bytes, budget is %d: %w",
			k, size, c.cfg.Budget, ErrTooLarge)
	}
	return size, nil
}

// Evict drops k from the cache now and reports whether it was resident. A
// pinned expert stays valid, and budgeted, until its last Release. It does not
// touch a loading expert.
func (c *Cache) Evict(k Key) bool {
	c.mu.Lock()
	e := c.m[k]
	ok := e != nil && e.state == stateResident
	if ok {
		c.evictLocked(e)
		c.wakeBudgetLocked()
	}
	c.unlockAndDrain()
	return ok
}
