package expertcache

import (
	"fmt"
	"testing"
)

// op is one step of a policy table test: touch (t), remove (r), or the
// expected victim (v, with pinned keys excluded).
type op struct {
	kind   byte
	key    Key
	pinned []Key
}

func k(e int32) Key { return Key{0, e} }

func runPolicy(t *testing.T, p Policy, ops []op) {
	t.Helper()
	for i, o := range ops {
		switch o.kind {
		case 't':
			p.Touch(o.key, 1)
		case 'r':
			p.Remove(o.key)
		case 'h':
			p.(Predictor).Predicted(o.key)
		case 'c':
			p.(Predictor).ClearPredicted(nil)
		case 'v', 'n':
			got, ok := p.Victim(func(k Key) bool {
				for _, q := range o.pinned {
					if q == k {
						return false
					}
				}
				return true
			})
			if o.kind == 'n' {
				if ok {
					t.Fatalf("step %d: victim %v, want none", i, got)
				}
				continue
			}
			if !ok || got != o.key {
				t.Fatalf("step %d: victim %v (%v), want %v", i, got, ok, o.key)
			}
		}
	}
}

func TestPolicies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy func() Policy
		ops    []op
	}{
		{"lru order", NewLRU, []op{
			{'t', k(1), nil}, {'t', k(2), nil}, {'t', k(3), nil}, {'v', k(1), nil},
			{'t', k(1), nil}, {'v', k(2), nil}, {'v', k(3), []Key{k(2)}},
			{'r', k(2), nil}, {'v', k(3), nil}, {'n', Key{}, []Key{k(1), k(3)}},
		}},
		{"lru reuses nodes", NewLRU, []op{
			{'t', k(1), nil}, {'r', k(1), nil}, {'t', k(2), nil}, {'t', k(1), nil}, {'v', k(2), nil},
		}},
		{"lfu frequency then recency", NewLFU, []op{
			{'t', k(1), nil}, {'t', k(1), nil}, {'t', k(2), nil}, {'t', k(3), nil},
			{'v', k(2), nil}, {'v', k(3), []Key{k(2)}}, {'v', k(1), []Key{k(2), k(3)}},
		}},
		{"lfu ghost count", NewLFU, []op{
			{'t', k(1), nil}, {'t', k(1), nil}, {'t', k(1), nil}, {'r', k(1), nil},
			{'t', k(2), nil}, {'t', k(2), nil}, {'t', k(1), nil}, {'v', k(2), nil},
		}},
		{"arc recency then frequency", NewARC, []op{
			{'t', k(1), nil}, {'t', k(2), nil}, {'t', k(3), nil}, {'t', k(1), nil}, // 1 in T2
			{'v', k(2), nil}, {'r', k(2), nil}, // T1 over target p=0: evict its LRU
			{'t', k(2), nil},                           // ghost hit in B1: p grows, 2 joins T2
			{'v', k(1), nil},                           // |T1| = p: T2's LRU goes
			{'r', k(1), nil}, {'v', k(3), []Key{k(2)}}, // T2's only key pinned: fall back to T1
			{'t', k(1), nil}, // ghost hit in B2: p shrinks to 0
			{'v', k(3), nil}, {'n', Key{}, []Key{k(1), k(2), k(3)}},
		}},
		{"protect predicted", func() Policy { return NewProtectPredicted(NewLRU()) }, []op{
			{'t', k(1), nil}, {'t', k(2), nil}, {'t', k(3), nil}, {'h', k(1), nil},
			{'v', k(2), nil}, {'h', k(2), nil}, {'v', k(3), nil},
			{'h', k(3), nil}, {'v', k(1), nil}, // all predicted: fall back
			{'c', Key{}, nil}, {'v', k(1), nil},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { runPolicy(t, tc.policy(), tc.ops) })
	}
}

// Aging lets a formerly hot key lose to a newly hot one.
func TestLFUAging(t *testing.T) {
	p := NewLFU().(*lfu)
	for range lfuMaxCount {
		p.Touch(k(1), 1)
	}
	// Key 2 becomes hot while key 1 is idle; enough touches to age several
	// times.
	for i := range 5 * p.agePeriod() {
		p.Touch(k(2), 1)
		if i%2 == 0 {
			p.Touch(k(int32(10+i%50)), 1)
		}
	}
	got, _ := p.Victim(func(q Key) bool { return q == k(1) || q == k(2) })
	if got != k(1) {
		t.Fatalf("victim %v, want the aged key 0/1 (counts: 1=%d 2=%d)", got, p.nodes[k(1)].count, p.nodes[k(2)].count)
	}
	if len(p.ghost) > 2*max(len(p.nodes), 64) {
		t.Fatalf("ghost table unbounded: %d", len(p.ghost))
	}
}

func TestGhostsBounded(t *testing.T) {
	l := NewLFU().(*lfu)
	a := NewARC().(*arc)
	for i := range 10_000 {
		for _, p := range []Policy{l, a} {
			p.Touch(k(int32(i%300)), 1)
			if i%3 == 0 {
				p.Touch(k(int32(i%7)), 1) // some keys come back
			}
			if i >= 50 {
				p.Remove(k(int32((i - 50) % 300)))
			}
		}
	}
	if n, q := len(l.ghost), len(l.ghostQ); n > 2*64+1 || q > 4*(2*64+1)+1 {
		t.Errorf("lfu ghost table has %d entries, queue %d", n, q)
	}
	if n := a.n[arcB1] + a.n[arcB2]; n > 2*a.c || len(a.nodes) != n+a.n[arcT1]+a.n[arcT2] {
		t.Errorf("arc: %d ghosts for capacity %d, %d nodes", n, a.c, len(a.nodes))
	}
}

func TestKeyString(t *testing.T) {
	if got := fmt.Sprint(Key{3, 17}); got != "3/17" {
		t.Fatalf("got %q", got)
	}
}
