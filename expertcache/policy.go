package expertcache

// Policy decides which resident expert to evict. It sees keys and costs,
// never bytes. The Cache calls it with its lock held, so an implementation
// need not be safe for concurrent use and must not call back into the Cache.
// A Policy tracks only resident keys: Touch adds or refreshes a key, Remove
// forgets it.
type Policy interface {
	// Touch records a use of k: a demand hit, or the insertion of a freshly
	// loaded expert of the given cost.
	Touch(k Key, cost int64)
	// Remove forgets k (evicted or dropped).
	Remove(k Key)
	// Victim returns the key the policy would evict next among the keys for
	// which evictable returns true, or false if there is none. It must not
	// change what it tracks.
	Victim(evictable func(Key) bool) (Key, bool)
}

// Predictor is implemented by policies that take the prefetcher's hints.
// Cache.Prefetch and Cache.Hint call Predicted; Cache.CancelPrefetches calls
// ClearPredicted, ending the prediction window.
type Predictor interface {
	// Predicted marks k as expected to be demanded soon.
	Predicted(k Key)
	// ClearPredicted forgets the predictions for which keep returns false
	// (keep may be nil: forget all).
	ClearPredicted(keep func(Key) bool)
}

// lruNode is an element of an intrusive doubly linked list.
type lruNode struct {
	key        Key
	prev, next *lruNode
}

// lruList is a circular doubly linked list with a sentinel; the front is the
// most recently used end. The zero value is not ready: call init.
type lruList struct{ root lruNode }

func (l *lruList) init()          { l.root.prev, l.root.next = &l.root, &l.root }
func (l *lruList) empty() bool    { return l.root.next == &l.root }
func (l *lruList) back() *lruNode { return l.root.prev }

func (l *lruList) pushFront(n *lruNode) {
	n.prev, n.next = &l.root, l.root.next
	n.prev.next, n.next.prev = n, n
}

func (l *lruList) unlink(n *lruNode) {
	n.prev.next, n.next.prev = n.next, n.prev
	n.prev, n.next = nil, nil
}

// walkBack returns the first node from the least recently used end that ok
// accepts.
func (l *lruList) walkBack(ok func(Key) bool) (Key, bool) {
	for n := l.root.prev; n != &l.root; n = n.prev {
		if ok(n.key) {
			return n.key, true
		}
	}
	return Key{}, false
}

// lru evicts the least recently touched key.
type lru struct {
	nodes map[Key]*lruNode
	list  lruList
	spare []*lruNode // recycled nodes
}

// NewLRU returns a least-recently-used Policy. The result is not safe for
// concurrent use (the Cache serialises its calls).
func NewLRU() Policy {
	p := &lru{nodes: make(map[Key]*lruNode)}
	p.list.init()
	return p
}

func (p *lru) Touch(k Key, _ int64) {
	if n := p.nodes[k]; n != nil {
		p.list.unlink(n)
		p.list.pushFront(n)
		return
	}
	var n *lruNode
	if last := len(p.spare) - 1; last >= 0 {
		n, p.spare = p.spare[last], p.spare[:last]
	} else {
		n = new(lruNode)
	}
	n.key = k
	p.nodes[k] = n
	p.list.pushFront(n)
}

func (p *lru) Remove(k Key) {
	n := p.nodes[k]
	if n == nil {
		return
	}
	delete(p.nodes, k)
	p.list.unlink(n)
	p.spare = append(p.spare, n)
}

func (p *lru) Victim(evictable func(Key) bool) (Key, bool) {
	return p.list.walkBack(evictable)
}
