package expertcache

import (
	"slices"
	"time"
)

// counters are the cumulative event counts, guarded by Cache.mu.
type counters struct {
	Hits, Misses, Joins, BudgetWaits, LoadErrors, Evictions          uint64
	PrefetchIssued, PrefetchLoaded, PrefetchUsed, PrefetchWasted     uint64
	PrefetchCancelled, PrefetchDropped, PrefetchLate, PrefetchFailed uint64
	BytesLoaded, MaxUsed                                             int64
	Stall                                                            time.Duration
}

// LayerStats are the counters of one layer. Prefetch precision of a layer is
// PrefetchUsed/PrefetchLoaded; its recall is PrefetchUsed/(PrefetchUsed+Misses).
type LayerStats struct {
	Hits, Misses, LoadErrors, Evictions                             uint64
	PrefetchIssued, PrefetchUsed, PrefetchWasted, PrefetchCancelled uint64
	BytesLoaded                                                     int64
	Stall                                                           time.Duration
}

// Stats is a snapshot of a Cache's counters and gauges. It is a value the
// caller owns.
type Stats struct {
	// Hits counts Acquires that found the expert resident; Misses those that
	// loaded it or waited for a load (Joins counts the waits for another
	// caller's or a prefetch's load, BudgetWaits the waits for budget).
	Hits, Misses, Joins, BudgetWaits uint64
	// LoadErrors counts failed loads (demand and prefetch).
	LoadErrors uint64
	// Evictions counts experts evicted to make room (not counting Close).
	Evictions uint64
	// PrefetchIssued counts prefetches queued; PrefetchLoaded those read;
	// PrefetchUsed prefetched experts later acquired by demand; PrefetchWasted
	// prefetched experts evicted unused; PrefetchCancelled queued prefetches
	// dropped by CancelPrefetches or Close; PrefetchDropped prefetches refused
	// for a full queue or lack of evictable budget; PrefetchLate queued
	// prefetches overtaken by a demand miss; PrefetchFailed prefetch loads
	// that failed.
	PrefetchIssued, PrefetchLoaded, PrefetchUsed, PrefetchWasted     uint64
	PrefetchCancelled, PrefetchDropped, PrefetchLate, PrefetchFailed uint64
	// DoubleReleases counts Release calls on an already released Handle.
	DoubleReleases uint64
	// BytesLoaded is the total size of the experts loaded.
	BytesLoaded int64
	// Stall is the total time Acquire spent on misses (loading, waiting for
	// a load or for budget).
	Stall time.Duration
	// Budget, Used (bytes of all entries that exist), MaxUsed (the highest
	// Used ever), Resident (usable experts), Pinned (pinned experts, evicted
	// or not), EvictedPinned (evicted, still pinned), Free (the free list).
	Budget, Used, MaxUsed, Resident, Pinned, EvictedPinned, Free int64
	// Layers holds per-layer counters, indexed by layer (layers up to
	// 1023; higher ones count only in the totals).
	Layers []LayerStats
}

// HitRate is Hits/(Hits+Misses), or 0 before any Acquire.
func (s Stats) HitRate() float64 {
	if n := s.Hits + s.Misses; n > 0 {
		return float64(s.Hits) / float64(n)
	}
	return 0
}

// Stats returns a snapshot of the counters. It is safe for concurrent use and
// costs one lock round-trip plus a copy of the per-layer counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.st
	return Stats{
		Hits: t.Hits, Misses: t.Misses, Joins: t.Joins, BudgetWaits: t.BudgetWaits,
		LoadErrors: t.LoadErrors, Evictions: t.Evictions,
		PrefetchIssued: t.PrefetchIssued, PrefetchLoaded: t.PrefetchLoaded,
		PrefetchUsed: t.PrefetchUsed, PrefetchWasted: t.PrefetchWasted,
		PrefetchCancelled: t.PrefetchCancelled, PrefetchDropped: t.PrefetchDropped,
		PrefetchLate: t.PrefetchLate, PrefetchFailed: t.PrefetchFailed,
		DoubleReleases: c.doubleReleases.Load(),
		BytesLoaded:    t.BytesLoaded, Stall: t.Stall,
		Budget: c.cfg.Budget, Used: c.used, MaxUsed: t.MaxUsed, Resident: c.resident,
		Pinned: c.pinned, EvictedPinned: c.evictedPinned, Free: c.freeBytes,
		Layers: slices.Clone(c.layers),
	}
}

// maxStatLayers bounds the per-layer table (real models have < 100 MoE
// layers); events of higher layers are counted only in the totals.
const maxStatLayers = 1024

// layerLocked returns layer l's counters, growing the table on first use.
func (c *Cache) layerLocked(l int32) *LayerStats {
	if l >= maxStatLayers {
		return &c.layerSink
	}
	if int(l) >= len(c.layers) {
		c.layers = append(c.layers, make([]LayerStats, int(l)+1-len(c.layers))...)
	}
	return &c.layers[l]
}

func (c *Cache) addStall(k Key, d time.Duration) {
	c.mu.Lock()
	c.st.Stall += d
	c.layerLocked(k.Layer).Stall += d
	c.mu.Unlock()
}
