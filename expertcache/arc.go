package expertcache

// arcList identifies which of ARC's four lists a node is on.
type arcList uint8

const (
	arcT1 arcList = iota // resident, seen once recently
	arcT2                // resident, seen at least twice
	arcB1                // ghost of T1
	arcB2                // ghost of T2
)

type arcNode struct {
	lruNode
	list arcList
}

// arc is the Adaptive Replacement Cache policy (Megiddo and Modha, 2003)
// adapted to the Policy split: the cache asks for a Victim, Removes it (the
// key becomes a ghost), and Touches the new key (a ghost hit moves the
// target size p). It balances recency (T1) against frequency (T2), learning
// from ghost hits which one the workload rewards. Capacity c is counted in
// experts: the largest number tracked at once (experts of one model have
// nearly equal sizes).
type arc struct {
	nodes map[Key]*arcNode
	lists [4]lruList
	n     [4]int
	p     int // target size of T1
	c     int // capacity estimate
}

// NewARC returns an Adaptive Replacement Cache Policy: frequency-aware and
// self-tuning between recency and frequency, with ghost lists bounded by the
// number of experts the cache holds. The result is not safe for concurrent use
// (the Cache serialises its calls).
func NewARC() Policy {
	p := &arc{nodes: make(map[Key]*arcNode)}
	for i := range p.lists {
		p.lists[i].init()
	}
	return p
}

func (p *arc) move(n *arcNode, to arcList) {
	p.lists[n.list].unlink(&n.lruNode)
	p.n[n.list]--
	n.list = to
	p.lists[to].pushFront(&n.lruNode)
	p.n[to]++
}

func (p *arc) Touch(k Key, _ int64) {
	n := p.nodes[k]
	switch {
	case n == nil:
		n = &arcNode{lruNode: lruNode{key: k}, list: arcT1}
		p.nodes[k] = n
		p.lists[arcT1].pushFront(&n.lruNode)
		p.n[arcT1]++
	case n.list == arcB1: // recency would have kept it: grow T1
		p.p = min(p.c, p.p+max(p.n[arcB2]/max(p.n[arcB1], 1), 1))
		p.move(n, arcT2)
	case n.list == arcB2: // frequency would have kept it: shrink T1
		p.p = max(0, p.p-max(p.n[arcB1]/max(p.n[arcB2], 1), 1))
		p.move(n, arcT2)
	default: // resident hit
		p.move(n, arcT2)
	}
	p.c = max(p.c, p.n[arcT1]+p.n[arcT2])
	p.trimGhosts()
}

// trimGhosts bounds the ghost lists: |T1|+|B1| <= c and the total <= 2c.
func (p *arc) trimGhosts() {
	for p.n[arcB1] > 0 && p.n[arcT1]+p.n[arcB1] > p.c {
		p.drop(arcB1)
	}
	for p.n[arcB2] > 0 && p.n[arcT1]+p.n[arcT2]+p.n[arcB1]+p.n[arcB2] > 2*p.c {
		p.drop(arcB2)
	}
}

func (p *arc) drop(l arcList) {
	n := p.lists[l].back()
	p.lists[l].unlink(n)
	p.n[l]--
	delete(p.nodes, n.key)
}

func (p *arc) Remove(k Key) {
	n := p.nodes[k]
	if n == nil || n.list >= arcB1 {
		return
	}
	p.move(n, n.list+arcB1) // T1 -> B1, T2 -> B2
	p.trimGhosts()
}

func (p *arc) Victim(evictable func(Key) bool) (Key, bool) {
	first, second := arcT2, arcT1
	if p.n[arcT1] > 0 && (p.n[arcT1] > p.p || p.n[arcT2] == 0) {
		first, second = arcT1, arcT2
	}
	if k, ok := p.lists[first].walkBack(evictable); ok {
		return k, true
	}
	return p.lists[second].walkBack(evictable)
}
