package expertcache

// Prefetch queues a low-priority load of k and reports whether it was queued.
// It never blocks: it returns false when k is resident, loading or already
// queued, when the cache is closed, or when the queue is full (counted in
// Stats.PrefetchDropped). A queued prefetch is run by an I/O worker when no
// demand load is reading and no demand Acquire waits for budget; it takes
// budget only by evicting unpinned experts not demanded within the protection
// window (Config.PrefetchProtect) or predicted in the current window, and
// is dropped when it cannot. At most Config.PrefetchInFlight prefetches read
// at once. Prefetch also hints k to a Predictor policy, resident or not; a
// resident k is marked predicted until CancelPrefetches ends its window:
// prefetches then never evict it, and demand loads only when nothing else
// is evictable.
func (c *Cache) Prefetch(k Key) bool {
	if checkKey(k) != nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.hintLocked(k)
	if e, ok := c.m[k]; ok {
		if e.state == stateResident && !e.predicted && len(c.predictedRes) < maxPredictedRes {
			e.predicted = true
			c.predictedRes = append(c.predictedRes, e)
		}
		return false
	}
	if _, ok := c.queued[k]; ok {
		return false
	}
	if len(c.queue) == cap(c.queue) {
		c.st.PrefetchDropped++
		return false
	}
	c.queue = append(c.queue, k)
	c.queued[k] = struct{}{}
	c.st.PrefetchIssued++
	c.layerLocked(k.Layer).PrefetchIssued++
	c.workCond.Signal()
	return true
}

// Hint tells a Predictor policy that k is expected soon, without any I/O: the
// policy may then protect k from eviction if it is resident. It does nothing
// for other policies.
func (c *Cache) Hint(k Key) {
	c.mu.Lock()
	c.hintLocked(k)
	c.mu.Unlock()
}

func (c *Cache) hintLocked(k Key) {
	if p, ok := c.cfg.Policy.(Predictor); ok {
		p.Predicted(k)
	}
}

// CancelPrefetches drops the queued prefetches whose key keep rejects (keep
// nil drops all) and ends the prediction window of a Predictor policy (its
// predictions not kept are forgotten). Prefetches already reading finish.
func (c *Cache) CancelPrefetches(keep func(Key) bool) {
	c.mu.Lock()
	c.cancelQueuedLocked(keep)
	c.clearPredictedLocked(keep)
	if p, ok := c.cfg.Policy.(Predictor); ok {
		p.ClearPredicted(keep)
	}
	c.mu.Unlock()
}

func (c *Cache) cancelQueuedLocked(keep func(Key) bool) {
	kept := c.queue[:0]
	for _, k := range c.queue {
		if keep != nil && keep(k) {
			kept = append(kept, k)
			continue
		}
		delete(c.queued, k)
		c.st.PrefetchCancelled++
		c.layerLocked(k.Layer).PrefetchCancelled++
	}
	c.queue = kept
}

// maxPredictedRes bounds the resident entries marked predicted at once.
const maxPredictedRes = 1024

// clearPredictedLocked unmarks the predicted resident entries whose key keep
// rejects (nil: all).
func (c *Cache) clearPredictedLocked(keep func(Key) bool) {
	kept := c.predictedRes[:0]
	for _, e := range c.predictedRes {
		if e.predicted && keep != nil && keep(e.key) {
			kept = append(kept, e)
			continue
		}
		e.predicted = false
	}
	clear(c.predictedRes[len(kept):])
	c.predictedRes = kept
}

// dequeueLocked removes k from the queue and reports whether it was there.
func (c *Cache) dequeueLocked(k Key) bool {
	if _, ok := c.queued[k]; !ok {
		return false
	}
	delete(c.queued, k)
	for i, q := range c.queue {
		if q == k {
			c.queue = append(c.queue[:i], c.queue[i+1:]...)
			break
		}
	}
	return true
}

// worker runs queued prefetches until Close.
func (c *Cache) worker() {
	if c.cfg.WorkerStart != nil {
		c.cfg.WorkerStart()
	}
	c.mu.Lock()
	for {
		for !c.closed && !c.prefetchReadyLocked() {
			c.workCond.Wait()
		}
		if c.closed {
			c.mu.Unlock()
			return
		}
		c.prefetchOneLocked()
		c.mu.Lock()
	}
}

// prefetchReadyLocked reports whether a prefetch may start: one is queued,
// fewer than PrefetchInFlight are reading, and no demand load is reading or
// waiting for budget.
func (c *Cache) prefetchReadyLocked() bool {
	return len(c.queue) > 0 && c.demandLoads == 0 && c.budgetWaiters == 0 &&
		c.prefetchLoads < c.cfg.PrefetchInFlight
}

// prefetchOneLocked pops the oldest queued prefetch and runs it. It is called
// with the lock held and returns without it.
func (c *Cache) prefetchOneLocked() {
	k := c.queue[0]
	c.queue = append(c.queue[:0], c.queue[1:]...)
	delete(c.queued, k)
	if _, ok := c.m[k]; ok {
		c.mu.Unlock()
		return
	}
	size, err := c.sizeOf(k)
	if err != nil || !c.reservePrefetchLocked(k, size) {
		c.st.PrefetchDropped++
		c.unlockAndDrain()
		return
	}
	e := c.insertLoadingLocked(k, size, false)
	c.prefetchLoads++
	c.unlockAndDrain()

	err = c.runLoad(c.ctx, e)

	c.mu.Lock()
	c.prefetchLoads--
	c.workCond.Signal() // another prefetch may start
	if err != nil {
		c.failLoadLocked(e, err, c.ctx.Err() != nil)
		c.st.PrefetchFailed++
	} else {
		c.finishLoadLocked(e)
		e.prefetched = true
		c.st.PrefetchLoaded++
		c.wakeBudgetLocked() // an unpinned expert became evictable
	}
	c.unlockAndDrain()
}

// reservePrefetchLocked reserves budget for a prefetch of k without waiting,
// giving back victims that need a Release once. It may drop the lock; it
// returns false if k got loaded meanwhile.
func (c *Cache) reservePrefetchLocked(k Key, size int64) bool {
	if c.tryReserveLocked(size, false) {
		return true
	}
	if len(c.pendRel) == 0 {
		return false
	}
	c.unlockAndDrain()
	c.mu.Lock()
	_, loaded := c.m[k]
	return !c.closed && !loaded && c.tryReserveLocked(size, false)
}

// prefetchStep (tests) runs one queued prefetch in the caller's goroutine if
// one may start, and reports whether it did.
func (c *Cache) prefetchStep() bool {
	c.mu.Lock()
	if c.closed || !c.prefetchReadyLocked() {
		c.mu.Unlock()
		return false
	}
	c.prefetchOneLocked()
	return true
}
