// Package expertcache owns the budgeted, pinned cache of routed-expert weights
// of a Mixture-of-Experts model.
//
// An expert (one layer's one routed FFN) is three byte slices (gate, up,
// down). The model pins an expert with Acquire for as long as it computes
// with it and unpins it with Handle.Release. The cache owns:
//
//   - the byte budget: the bytes of every entry that exists (resident,
//     loading, or evicted while still pinned) never exceed Config.Budget; a
//     demand load waits for room rather than overshoot, and an expert larger
//     than the whole budget is refused at once (ErrTooLarge);
//   - the memory handed to Source.Load (through Buffer.Alloc), recycled
//     through a free list whose bytes plus the live bytes also stay within the
//     budget;
//   - one loader per missing key: concurrent misses of one key wait for the
//     first and share its result or its error;
//   - the prefetch queue: bounded, served by a fixed pool of I/O workers that
//     yield to demand loads (they never start while a demand load is reading
//     and never take budget a demand load is waiting for), at most
//     Config.PrefetchInFlight reading at once, never evicting a resident
//     expert predicted in the current window (demand loads evict one only
//     when nothing else is evictable);
//   - per-layer resident counts (LayerResident), so a prefetcher can skip
//     layers that cannot miss;
//   - statistics (Stats), global and per layer.
//
// Policies: NewLRU (default), NewLFU (frequency with aging and a ghost
// history), NewARC (adaptive recency/frequency) and NewProtectPredicted, a
// wrapper that spares experts the prefetcher predicted (Hint, Prefetch) until
// CancelPrefetches ends the window. BenchmarkDecodeTrace compares them.
//
// It does not own: how bytes come from the model file (Source, implemented by
// the pager), which experts the model needs (the router), nor the eviction
// decision itself (Policy, which sees keys and costs, never bytes).
//
// Locking: one mutex guards the cache state. It is never held while calling
// Source.Load, Source.Release, Allocator.Free or while an expert is in use;
// pins are reference counts, and memory is freed after the mutex is dropped.
// Policy methods are called with the mutex held.
//
// The build tag "invariants" turns on extra checks: a double Release panics,
// Handles are never recycled, and freed buffers are poisoned.
package expertcache
