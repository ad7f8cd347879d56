package expertcache

// Budget and memory bookkeeping. Every function here runs with c.mu held,
// except unlockAndDrain, which releases it.
//
// used counts the bytes of every entry that exists (loading, resident,
// detached, or dropped but not yet given back by Releaser.Release); it never
// exceeds the budget. releasing is the part of used awaiting Release.
// memCommit counts buffer memory lent or promised to entries, freeBytes the
// free list; memCommit <= used, and memCommit+freeBytes never exceeds the
// budget, so the memory an Allocator has handed out and not got back is
// bounded by the budget at every instant.

// tryReserveLocked makes room for size bytes by evicting victims the policy
// picks, and reserves them. A prefetch reservation never takes budget while a
// demand Acquire waits for it, and never evicts an expert demanded within the
// protection window. It returns false when it cannot reserve now: then, if
// c.pendRel is not empty, the caller should drain it (unlockAndDrain) and try
// again, else wait.
func (c *Cache) tryReserveLocked(size int64, demand bool) bool {
	ev := c.evDemand
	if !demand {
		if c.budgetWaiters > 0 {
			return false
		}
		c.window = c.protectWindow(size)
		ev = c.evPrefet
	}
	for c.used-c.releasing+size > c.cfg.Budget {
		k, ok := c.victimLocked(ev, demand)
		if !ok || !ev(k) { // !ev(k): a policy bug; refuse rather than loop
			return false
		}
		c.evictLocked(c.m[k])
	}
	if c.used+size > c.cfg.Budget {
		return false // victims still being released
	}
	c.used += size
	c.st.MaxUsed = max(c.st.MaxUsed, c.used)
	return true
}

// protectWindow is the number of demand pins during which a demanded expert
// is safe from prefetch eviction.
func (c *Cache) protectWindow(size int64) uint64 {
	if c.cfg.PrefetchProtect > 0 {
		return uint64(c.cfg.PrefetchProtect)
	}
	return uint64(max(1, c.cfg.Budget/size/2))
}

// victimLocked asks the policy for a victim among the keys ev accepts,
// sparing the resident experts predicted in the current window: a prefetch
// never evicts one (it would trade a likely hit for a guess), a demand load
// only when nothing else is evictable.
func (c *Cache) victimLocked(ev func(Key) bool, demand bool) (Key, bool) {
	if len(c.predictedRes) == 0 {
		return c.cfg.Policy.Victim(ev)
	}
	if k, ok := c.cfg.Policy.Victim(c.evUnpredicted[boolIndex(demand)]); ok || !demand {
		return k, ok
	}
	return c.cfg.Policy.Victim(ev)
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (c *Cache) evictableDemand(k Key) bool {
	e := c.m[k]
	return e != nil && e.state == stateResident && e.refs == 0
}

func (c *Cache) evictablePrefetch(k Key) bool {
	if !c.evictableDemand(k) {
		return false
	}
	last := c.m[k].lastDemand
	return last == 0 || c.demandSeq-last >= c.window
}

// evictLocked takes a resident entry out of the cache. Its bytes stay
// budgeted until its last pin is released.
func (c *Cache) evictLocked(e *entry) {
	delete(c.m, e.key)
	c.cfg.Policy.Remove(e.key)
	c.resident -= e.size
	c.addLayerResidentLocked(e.key, -1)
	e.predicted = false
	if !c.closed {
		c.st.Evictions++
		l := c.layerLocked(e.key.Layer)
		l.Evictions++
		if e.prefetched {
			c.st.PrefetchWasted++
			l.PrefetchWasted++
		}
	}
	if e.refs == 0 {
		c.dropLocked(e)
		return
	}
	e.state = stateDetached
	c.detached[e] = struct{}{}
	c.evictedPinned += e.size
}

// dropLocked frees an unpinned entry that has left the map. Without a
// Releaser its budget and memory return now; with one, only after Release
// has run (in unlockAndDrain), so that pages the Source still holds stay
// budgeted until they are given back.
func (c *Cache) dropLocked(e *entry) {
	if c.releaser != nil {
		c.pendRel = append(c.pendRel, e)
		c.releasing += e.size
		return
	}
	c.used -= e.size
	c.releaseMemLocked(e)
}

// takeSpareLocked commits size bytes of buffer memory for a new load and
// returns a free buffer of that size if there is one. It trims the free list
// so that committed plus free memory stays within the budget.
func (c *Cache) takeSpareLocked(size int64) []byte {
	c.memCommit += size
	var spare []byte
	if bufs := c.free[size]; len(bufs) > 0 {
		spare = bufs[len(bufs)-1]
		bufs[len(bufs)-1] = nil
		c.free[size] = bufs[:len(bufs)-1]
		c.freeBytes -= size
	}
	c.trimFreeLocked(size)
	return spare
}

// trimFreeLocked gives free buffers back to the Allocator, other sizes than
// keep first, until committed plus free memory fits the budget. It calls
// Allocator.Free with the lock held, so that no Alloc can run before the
// memory is back.
func (c *Cache) trimFreeLocked(keep int64) {
	for c.memCommit+c.freeBytes > c.cfg.Budget && c.freeBytes > 0 {
		size := keep
		for s, bufs := range c.free {
			if s != keep && len(bufs) > 0 {
				size = s
				break
			}
		}
		bufs := c.free[size]
		m := bufs[len(bufs)-1]
		bufs[len(bufs)-1] = nil
		c.free[size] = bufs[:len(bufs)-1]
		c.freeBytes -= size
		c.cfg.Allocator.Free(m)
	}
}

// releaseMemLocked ends e's memory commitment: its buffers go to the free
// list while it has room, else back to the Allocator.
func (c *Cache) releaseMemLocked(e *entry) {
	if !e.memHeld {
		return // already released
	}
	e.memHeld = false
	b := &e.buf
	c.memCommit -= b.size
	for _, m := range [2][]byte{b.mem, b.spare} {
		if m != nil {
			c.putFreeLocked(m)
		}
	}
	b.mem, b.spare = nil, nil
}

func (c *Cache) putFreeLocked(m []byte) {
	size := int64(len(m))
	if c.closed || c.memCommit+c.freeBytes+size > c.cfg.Budget {
		c.pendFree = append(c.pendFree, m)
		return
	}
	if invariants {
		for i := range m {
			m[i] = 0xdb // poison: a reader of a released expert sees garbage
		}
	}
	c.free[size] = append(c.free[size], m)
	c.freeBytes += size
}

// unlockAndDrain releases c.mu, then runs the Releaser and Allocator.Free
// calls collected while it was held, returning the released entries' budget.
func (c *Cache) unlockAndDrain() {
	if invariants {
		if err := c.checkLocked(); err != nil {
			panic(err)
		}
	}
	for {
		rel, fr := c.pendRel, c.pendFree
		if len(rel) == 0 && len(fr) == 0 {
			c.mu.Unlock()
			return
		}
		c.pendRel, c.pendFree = nil, nil
		c.mu.Unlock()
		for _, m := range fr {
			c.cfg.Allocator.Free(m)
		}
		for _, e := range rel {
			c.releaser.Release(e.key, &e.buf)
		}
		c.mu.Lock()
		for _, e := range rel {
			c.used -= e.size
			c.releasing -= e.size
			c.releaseMemLocked(e)
		}
		c.wakeBudgetLocked()
	}
}
