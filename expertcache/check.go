package expertcache

import "fmt"

// checkLocked verifies the accounting invariants. It is cheap (no walk over
// entries) and runs on every unlockAndDrain under the "invariants" build tag;
// tests call it directly.
func (c *Cache) checkLocked() error {
	b := c.cfg.Budget
	switch {
	case c.used < 0 || c.used > b:
		return fmt.Errorf("expertcache: used %d outside [0, budget %d]", c.used, b)
	case c.releasing < 0 || c.releasing > c.used:
		return fmt.Errorf("expertcache: releasing %d outside [0, used %d]", c.releasing, c.used)
	case c.memCommit < 0 || c.memCommit > c.used:
		return fmt.Errorf("expertcache: committed memory %d outside [0, used %d]", c.memCommit, c.used)
	case c.freeBytes < 0 || c.memCommit+c.freeBytes > b:
		return fmt.Errorf("expertcache: committed %d + free %d memory over budget %d", c.memCommit, c.freeBytes, b)
	case c.pinned < 0 || c.resident < 0 || c.evictedPinned < 0 || c.evictedPinned > c.pinned:
		return fmt.Errorf("expertcache: pinned %d, resident %d, evicted-pinned %d", c.pinned, c.resident, c.evictedPinned)
	case c.resident+c.evictedPinned > c.used:
		return fmt.Errorf("expertcache: resident %d + evicted-pinned %d over used %d", c.resident, c.evictedPinned, c.used)
	}
	return nil
}
