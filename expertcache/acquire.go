package expertcache

import (
	"context"
	"fmt"
)

// Handle pins one expert. It is owned by the goroutine that acquired it, which
// must call Release exactly once; Expert may be called from any goroutine
// until then. After Release the Handle must not be used: handles are recycled
// (except under the "invariants" build tag), so a late Release of a handle
// that has since been reused would unpin another caller's expert. A second
// Release before reuse is detected: it does nothing and is counted in
// Stats.DoubleReleases (under "invariants" it panics).
type Handle struct {
	c *Cache
	e *entry
}

// Expert returns the pinned weights; the zero Expert after Release.
func (h *Handle) Expert() Expert {
	if h.e == nil {
		return Expert{}
	}
	b := &h.e.buf
	return Expert{Gate: b.Gate, Up: b.Up, Down: b.Down}
}

// Key returns the pinned expert's key (the zero Key after Release).
func (h *Handle) Key() Key {
	if h.e == nil {
		return Key{}
	}
	return h.e.key
}

// Release unpins the expert. See Handle for the double-release rule.
func (h *Handle) Release() {
	e, c := h.e, h.c
	if e == nil {
		if invariants {
			panic("expertcache: handle released twice")
		}
		if c != nil {
			c.doubleReleases.Add(1)
		}
		return
	}
	h.e = nil
	c.mu.Lock()
	c.unpinLocked(e)
	c.unlockAndDrain()
	if !invariants {
		c.handles.Put(h)
	}
}

func (c *Cache) newHandle(e *entry) *Handle {
	h := c.handles.Get().(*Handle)
	h.c, h.e = c, e
	return h
}

// Acquire pins the expert k, loading it if needed, and returns its Handle,
// which the caller must Release. A hit costs one lock round-trip and no
// allocation. On a miss exactly one caller loads k (synchronously, in its own
// goroutine, with its ctx) while others wait for it; the loader first waits
// for budget, evicting unpinned experts the policy chooses. An expert larger
// than the budget fails at once with ErrTooLarge. A load error is returned,
// wrapped with the key, to the loader and to every waiter, and nothing is
// cached. Acquire holding other pins can wait forever for budget that only
// its own pins hold: bound it with ctx.
func (c *Cache) Acquire(ctx context.Context, k Key) (*Handle, error) {
	c.mu.Lock()
	if e := c.m[k]; e != nil && e.state == stateResident && !c.closed {
		c.pinDemandLocked(e)
		c.st.Hits++
		c.layerLocked(k.Layer).Hits++
		c.mu.Unlock()
		return c.newHandle(e), nil
	}
	c.mu.Unlock()
	if err := checkKey(k); err != nil {
		return nil, err
	}
	return c.acquireSlow(ctx, k)
}

// pinDemandLocked pins e for a demand caller and tells the policy.
func (c *Cache) pinDemandLocked(e *entry) {
	if e.refs++; e.refs == 1 {
		c.pinned += e.size
	}
	c.demandSeq++
	e.lastDemand = c.demandSeq
	if e.prefetched {
		e.prefetched = false
		c.st.PrefetchUsed++
		c.layerLocked(e.key.Layer).PrefetchUsed++
	}
	c.cfg.Policy.Touch(e.key, e.size)
}

// unpinLocked drops one pin; the last pin of a detached entry frees it.
func (c *Cache) unpinLocked(e *entry) {
	if e.refs--; e.refs > 0 {
		return
	}
	c.pinned -= e.size
	if e.state == stateDetached {
		delete(c.detached, e)
		c.evictedPinned -= e.size
		c.dropLocked(e)
	}
	c.wakeBudgetLocked() // e became evictable or its bytes were freed
}

// acquireSlow is the miss path: wait for a loader, or become one.
func (c *Cache) acquireSlow(ctx context.Context, k Key) (h *Handle, err error) {
	size, err := c.sizeOf(k)
	if err != nil {
		return nil, err
	}
	start := c.cfg.Clock()
	missed := false
	defer func() {
		if missed {
			c.addStall(k, c.cfg.Clock().Sub(start))
		}
	}()
	c.mu.Lock()
	for {
		if c.closed {
			c.mu.Unlock()
			return nil, ErrClosed
		}
		e := c.m[k]
		switch {
		case e != nil && e.state == stateResident:
			c.pinDemandLocked(e)
			if !missed {
				c.st.Hits++
				c.layerLocked(k.Layer).Hits++
			}
			c.mu.Unlock()
			return c.newHandle(e), nil
		case e != nil: // loading: wait for its loader
			if !missed {
				missed = true
				c.countMissLocked(k)
			}
			if err := c.joinLocked(ctx, e); err != nil {
				return nil, err
			}
		default:
			if !missed {
				missed = true
				c.countMissLocked(k)
			}
			if !c.tryReserveLocked(size, true) {
				if len(c.pendRel) > 0 { // our victims: give them back, retry
					c.unlockAndDrain()
					c.mu.Lock()
					continue
				}
				if err := c.waitBudgetLocked(ctx, k); err != nil {
					return nil, err
				}
				continue
			}
			if c.dequeueLocked(k) {
				c.st.PrefetchLate++
			}
			return c.loadDemandLocked(ctx, k, size)
		}
	}
}

func (c *Cache) countMissLocked(k Key) {
	c.st.Misses++
	c.layerLocked(k.Layer).Misses++
}

// joinLocked waits, without the lock, for e's loader. It returns with the
// lock held and nil when the caller should look again, or without the lock
// and the error to return.
func (c *Cache) joinLocked(ctx context.Context, e *entry) error {
	e.sleepers++
	c.joinSleepers++
	c.st.Joins++
	c.mu.Unlock()
	var cerr error
	select {
	case <-e.done:
	case <-ctx.Done():
		cerr = ctx.Err()
	}
	c.mu.Lock()
	if e.sleepers > 0 { // not yet counted out by the loader
		e.sleepers--
		c.joinSleepers--
	}
	switch {
	case cerr != nil:
		c.mu.Unlock()
		return fmt.Errorf("expertcache: waiting for expert %v: %w", e.key, cerr)
	case e.err != nil && !e.retry:
		c.mu.Unlock()
		return e.err
	}
	return nil
}

// closeDoneLocked ends e's load for its waiters.
func (c *Cache) closeDoneLocked(e *entry) {
	c.joinSleepers -= e.sleepers
	e.sleepers = 0
	close(e.done)
}

// waitBudgetLocked waits, without the lock, until budget may have been freed.
// It returns with the lock held and nil, or without it and the error.
func (c *Cache) waitBudgetLocked(ctx context.Context, k Key) error {
	c.budgetWaiters++
	c.budgetSleepers++
	c.st.BudgetWaits++
	ch := c.budgetCh
	c.mu.Unlock()
	var cerr error
	select {
	case <-ch:
	case <-ctx.Done():
		cerr = ctx.Err()
	}
	c.mu.Lock()
	if ch == c.budgetCh { // not woken: count ourselves out
		c.budgetSleepers--
	}
	if c.budgetWaiters--; c.budgetWaiters == 0 {
		c.workCond.Broadcast() // prefetches may take budget again
	}
	if cerr != nil {
		c.mu.Unlock()
		return fmt.Errorf("expertcache: waiting for budget for expert %v: %w", k, cerr)
	}
	return nil
}

// wakeBudgetLocked wakes every Acquire waiting for budget. It allocates only
// when someone sleeps.
func (c *Cache) wakeBudgetLocked() {
	if c.budgetSleepers > 0 {
		c.budgetSleepers = 0
		close(c.budgetCh)
		c.budgetCh = make(chan struct{})
	}
}

// loadDemandLocked inserts a loading entry for k (budget already reserved),
// loads it without the lock and returns it pinned.
func (c *Cache) loadDemandLocked(ctx context.Context, k Key, size int64) (*Handle, error) {
	e := c.insertLoadingLocked(k, size, true)
	c.demandLoads++
	c.unlockAndDrain()

	err := c.runLoad(ctx, e)

	c.mu.Lock()
	if c.demandLoads--; c.demandLoads == 0 {
		c.workCond.Broadcast()
	}
	if err != nil {
		c.failLoadLocked(e, err, ctx.Err() != nil)
		c.unlockAndDrain()
		return nil, e.err
	}
	c.finishLoadLocked(e)
	c.pinDemandLocked(e)
	c.mu.Unlock()
	return c.newHandle(e), nil
}

// insertLoadingLocked creates the entry of a load that is about to start.
func (c *Cache) insertLoadingLocked(k Key, size int64, demand bool) *entry {
	e := &entry{key: k, size: size, state: stateLoading, demand: demand, memHeld: true, done: make(chan struct{})}
	e.buf = Buffer{alloc: c.cfg.Allocator, size: size, spare: c.takeSpareLocked(size)}
	c.m[k] = e
	c.loads.Add(1)
	return e
}

// runLoad calls Source.Load and checks what it returned.
func (c *Cache) runLoad(ctx context.Context, e *entry) error {
	defer c.loads.Done()
	if err := c.cfg.Source.Load(ctx, e.key, &e.buf); err != nil {
		return err
	}
	if err := c.checkShape(e); err != nil {
		return &loadedButBad{err}
	}
	return nil
}

// loadedButBad marks a load that returned nil but failed the shape check: the
// Source must still get its Release.
type loadedButBad struct{ err error }

func (e *loadedButBad) Error() string { return e.err.Error() }
func (e *loadedButBad) Unwrap() error { return e.err }

// checkShape detects short loads.
func (c *Cache) checkShape(e *entry) error {
	b := &e.buf
	if c.shaper != nil {
		g, u, d := c.shaper.Shape(e.key)
		if len(b.Gate) != g || len(b.Up) != u || len(b.Down) != d {
			return fmt.Errorf("got %d/%d/%d bytes, want %d/%d/%d: %w",
				len(b.Gate), len(b.Up), len(b.Down), g, u, d, ErrShortLoad)
		}
		return nil
	}
	if n := int64(len(b.Gate) + len(b.Up) + len(b.Down)); n != e.size {
		return fmt.Errorf("got %d bytes, want %d: %w", n, e.size, ErrShortLoad)
	}
	return nil
}

// failLoadLocked removes a failed loading entry, returns its budget and wakes
// its waiters with the error. retry tells waiters the loader gave up (its
// context ended) and they should load it themselves.
func (c *Cache) failLoadLocked(e *entry, err error, retry bool) {
	delete(c.m, e.key)
	e.err = fmt.Errorf("expertcache: load expert %v: %w", e.key, err)
	e.retry = retry
	c.st.LoadErrors++
	c.layerLocked(e.key.Layer).LoadErrors++
	if _, ok := err.(*loadedButBad); !ok {
		// Source.Load failed: it owns no resources; only our memory remains.
		c.releaseMemLocked(e)
		c.used -= e.size
		c.closeDoneLocked(e)
		c.wakeBudgetLocked()
		return
	}
	c.closeDoneLocked(e)
	c.dropLocked(e)
	c.wakeBudgetLocked()
}

// finishLoadLocked makes a loaded entry resident.
func (c *Cache) finishLoadLocked(e *entry) {
	e.state = stateResident
	c.resident += e.size
	c.addLayerResidentLocked(e.key, 1)
	c.st.BytesLoaded += e.size
	c.layerLocked(e.key.Layer).BytesLoaded += e.size
	if e.buf.mem == nil { // the Source did not use our memory
		c.releaseMemLocked(e)
	}
	if !e.demand { // a demand loader's pin touches it
		c.cfg.Policy.Touch(e.key, e.size)
	}
	c.closeDoneLocked(e)
}
