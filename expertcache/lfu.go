package expertcache

// lfuMaxCount caps an expert's use count so that aging can bring a formerly
// hot expert down within a few periods.
const lfuMaxCount = 15

// lfuNode is a tracked key with its (aged) use count.
type lfuNode struct {
	lruNode
	count uint8
}

// lfu evicts the least frequently used key, the least recently used among
// equals. Counts are halved every agePeriod touches (aging), so experts that
// were hot long ago lose their protection; the counts of evicted keys are
// remembered in a bounded ghost table so an expert re-loaded soon after its
// eviction resumes its frequency instead of starting cold.
type lfu struct {
	nodes   map[Key]*lfuNode
	buckets [lfuMaxCount + 1]lruList // index = count; 0 unused
	ghost   map[Key]ghostCount
	ghostQ  []ghostRef // ghosts oldest first; stale refs are skipped
	seq     uint64
	touches int
}

// ghostCount is the remembered count of a removed key; seq tells whether a
// ghostRef still refers to it.
type ghostCount struct {
	count uint8
	seq   uint64
}

type ghostRef struct {
	key Key
	seq uint64
}

// NewLFU returns a frequency-aware Policy: least frequently used with aging
// and a ghost history of evicted keys. The result is not safe for concurrent
// use (the Cache serialises its calls).
func NewLFU() Policy {
	p := &lfu{nodes: make(map[Key]*lfuNode), ghost: make(map[Key]ghostCount)}
	for i := range p.buckets {
		p.buckets[i].init()
	}
	return p
}

// agePeriod is the number of touches between two halvings of every count.
func (p *lfu) agePeriod() int { return 8 * max(len(p.nodes), 64) }

func (p *lfu) Touch(k Key, _ int64) {
	n := p.nodes[k]
	if n == nil {
		n = &lfuNode{lruNode: lruNode{key: k}, count: p.ghost[k].count}
		delete(p.ghost, k)
		p.nodes[k] = n
	} else {
		p.buckets[n.count].unlink(&n.lruNode)
	}
	if n.count < lfuMaxCount {
		n.count++
	}
	p.buckets[n.count].pushFront(&n.lruNode)
	if p.touches++; p.touches >= p.agePeriod() {
		p.age()
	}
}

// age halves every count (tracked keys keep at least 1) and the ghost table's.
func (p *lfu) age() {
	p.touches = 0
	// Move buckets from low to high count, oldest first, so that the relative
	// recency inside each new bucket is preserved.
	var old [lfuMaxCount + 1][]*lfuNode
	for c := 1; c <= lfuMaxCount; c++ {
		b := &p.buckets[c]
		for !b.empty() {
			n := p.nodes[b.back().key]
			b.unlink(&n.lruNode)
			old[c] = append(old[c], n)
		}
	}
	for c := 1; c <= lfuMaxCount; c++ {
		for _, n := range old[c] {
			n.count = max(n.count/2, 1)
			p.buckets[n.count].pushFront(&n.lruNode)
		}
	}
	for k, g := range p.ghost {
		if g.count /= 2; g.count == 0 {
			delete(p.ghost, k)
		} else {
			p.ghost[k] = g
		}
	}
}

func (p *lfu) Remove(k Key) {
	n := p.nodes[k]
	if n == nil {
		return
	}
	delete(p.nodes, k)
	p.buckets[n.count].unlink(&n.lruNode)
	p.remember(k, n.count)
}

// remember keeps k's count in the ghost table, forgetting the oldest ghost
// when the table holds twice as many keys as are tracked (at least 128).
func (p *lfu) remember(k Key, count uint8) {
	for len(p.ghost) >= 2*max(len(p.nodes), 64) && len(p.ghostQ) > 0 {
		old := p.ghostQ[0]
		p.ghostQ = p.ghostQ[1:]
		if g, ok := p.ghost[old.key]; ok && g.seq == old.seq {
			delete(p.ghost, old.key)
		}
	}
	if len(p.ghostQ) > 4*max(len(p.ghost), 64) { // compact stale refs
		live := p.ghostQ[:0]
		for _, r := range p.ghostQ {
			if g, ok := p.ghost[r.key]; ok && g.seq == r.seq {
				live = append(live, r)
			}
		}
		p.ghostQ = append([]ghostRef(nil), live...)
	}
	p.seq++
	p.ghost[k] = ghostCount{count, p.seq}
	p.ghostQ = append(p.ghostQ, ghostRef{k, p.seq})
}

func (p *lfu) Victim(evictable func(Key) bool) (Key, bool) {
	for c := 1; c <= lfuMaxCount; c++ {
		if k, ok := p.buckets[c].walkBack(evictable); ok {
			return k, true
		}
	}
	return Key{}, false
}
