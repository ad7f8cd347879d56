package expertcache

// Benchmarks. Recipe:
//
//	go test -run '^$' -bench . -benchtime=1x ./expertcache/           # hit rates (deterministic trace)
//	go test -run '^$' -bench AcquireRelease -count 10 ./expertcache/ | benchstat -
//
// BenchmarkDecodeTrace replays one synthetic decode trace per iteration and
// reports hit_rate, so -benchtime=1x is enough for the rates; ns/op is the
// cache's own overhead over a zero-latency Source.

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// nullSource loads nothing: it returns views of one shared slice.
type nullSource struct {
	size int64
	mem  []byte
}

func (s *nullSource) Size(Key) int64 { return s.size }

func (s *nullSource) Load(_ context.Context, _ Key, b *Buffer) error {
	n := int(s.size)
	g, u, _ := split(n)
	b.Gate, b.Up, b.Down = s.mem[:g], s.mem[g:g+u], s.mem[g+u:n]
	return nil
}

func BenchmarkAcquireReleaseHit(b *testing.B) {
	src := &nullSource{size: 3 << 10, mem: make([]byte, 3<<10)}
	c, err := New(Config{Budget: 1 << 20, Source: src})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	keys := []Key{{1, 1}, {1, 2}, {2, 3}, {3, 4}}
	for _, k := range keys {
		h, err := c.Acquire(ctx, k)
		if err != nil {
			b.Fatal(err)
		}
		h.Release()
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			h, err := c.Acquire(ctx, keys[i&3])
			if err != nil {
				b.Fatal(err)
			}
			h.Release()
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				h, err := c.Acquire(ctx, keys[i&3])
				if err != nil {
					b.Error(err)
					return
				}
				h.Release()
				i++
			}
		})
	})
}

// Trace shape: DeepSeek-V2-Lite-like (26 MoE layers, 64 routed experts,
// top-6). Per layer, expert popularity is Zipf-like (weight 1/(rank+1)^0.9
// over a per-layer random permutation); each of the 6 picks repeats one of the
// previous token's experts of that layer with probability 0.3 (routing has
// some token-to-token locality). The prefetcher's prediction of layer l+1
// (made while layer l runs) is each true expert with probability 0.75, else a
// popularity-weighted guess.
const (
	traceLayers  = 26
	traceExperts = 64
	traceTopK    = 6
	traceWarm    = 200
	traceTokens  = 1000
)

type decodeTrace struct {
	route [][traceLayers][]Key // [token][layer] -> experts
	pred  [][traceLayers][]Key // prediction of the same
}

func makeTrace(seed uint64) *decodeTrace {
	rng := rand.New(rand.NewPCG(seed, 7))
	var cum [traceLayers][]float64
	var perm [traceLayers][]int
	for l := range traceLayers {
		perm[l] = rng.Perm(traceExperts)
		cum[l] = make([]float64, traceExperts)
		s := 0.0
		for r := range traceExperts {
			s += 1 / math.Pow(float64(r+1), 0.9)
			cum[l][r] = s
		}
	}
	draw := func(l int) Key {
		x := rng.Float64() * cum[l][traceExperts-1]
		r, _ := slices.BinarySearch(cum[l], x)
		return Key{int32(l), int32(perm[l][min(r, traceExperts-1)])}
	}
	tr := &decodeTrace{}
	for t := range traceWarm + traceTokens {
		var route, pred [traceLayers][]Key
		for l := range traceLayers {
			for len(route[l]) < traceTopK {
				k := draw(l)
				if t > 0 && rng.Float64() < 0.3 {
					prev := tr.route[t-1][l]
					k = prev[rng.IntN(len(prev))]
				}
				if !slices.Contains(route[l], k) {
					route[l] = append(route[l], k)
				}
			}
			for _, k := range route[l] {
				if rng.Float64() >= 0.75 {
					k = draw(l)
				}
				if !slices.Contains(pred[l], k) {
					pred[l] = append(pred[l], k)
				}
			}
		}
		tr.route = append(tr.route, route)
		tr.pred = append(tr.pred, pred)
	}
	return tr
}

// replay runs the trace through c; hint and prefetch select what the
// prefetcher does with its predictions. It returns the hit rate after warm-up.
func (tr *decodeTrace) replay(b *testing.B, c *Cache, hint, prefetch bool, lookahead int) (hitRate, loadsPerToken float64) {
	ctx := context.Background()
	var warm Stats
	for t := range tr.route {
		if t == traceWarm {
			warm = c.Stats()
		}
		for l := range traceLayers {
			actual := tr.route[t][l]
			c.CancelPrefetches(func(k Key) bool { return slices.Contains(actual, k) })
			for d := 1; d <= lookahead && l+d < traceLayers; d++ {
				for _, k := range tr.pred[t][l+d] {
					switch {
					case prefetch:
						c.Prefetch(k)
					case hint:
						c.Hint(k)
					}
				}
			}
			for prefetch && c.prefetchStep() { // I/O idealised: done before needed
			}
			for _, k := range actual {
				h, err := c.Acquire(ctx, k)
				if err != nil {
					b.Fatal(err)
				}
				h.Release()
			}
		}
	}
	s := c.Stats()
	hits, misses := s.Hits-warm.Hits, s.Misses-warm.Misses
	loads := float64(s.BytesLoaded-warm.BytesLoaded) / float64(c.cfg.Source.Size(Key{}))
	return float64(hits) / float64(hits+misses), loads / traceTokens
}

func BenchmarkDecodeTrace(b *testing.B) {
	tr := makeTrace(1)
	const size = 1 << 10
	total := int64(traceLayers * traceExperts * size)
	variants := []struct {
		name           string
		policy         func() Policy
		hint, prefetch bool
		lookahead      int // layers predicted ahead (default 1)
	}{
		{"lru", NewLRU, false, false, 0},
		{"lfu", NewLFU, false, false, 0},
		{"arc", NewARC, false, false, 0},
		{"protect-lru", func() Policy { return NewProtectPredicted(NewLRU()) }, true, false, 0},
		{"protect-lfu", func() Policy { return NewProtectPredicted(NewLFU()) }, true, false, 0},
		{"lru+prefetch-ideal", NewLRU, false, true, 0},
		{"protect-arc", func() Policy { return NewProtectPredicted(NewARC()) }, true, false, 0},
		{"protect-lru-ahead4", func() Policy { return NewProtectPredicted(NewLRU()) }, true, false, 4},
		{"protect-lfu-ahead4", func() Policy { return NewProtectPredicted(NewLFU()) }, true, false, 4},
		{"arc+prefetch-ideal", NewARC, false, true, 0},
		{"protect-lfu+prefetch-ideal", func() Policy { return NewProtectPredicted(NewLFU()) }, false, true, 0},
	}
	for _, pct := range []int64{10, 25, 50} {
		b.Run(fmt.Sprintf("budget=%d%%/belady-optimum", pct), func(b *testing.B) {
			var rate float64
			for b.Loop() {
				rate = tr.beladyHitRate(int(total * pct / 100 / size))
			}
			b.ReportMetric(rate, "hit_rate")
		})
		for _, v := range variants {
			b.Run(fmt.Sprintf("budget=%d%%/%s", pct, v.name), func(b *testing.B) {
				var rate, loads float64
				for b.Loop() {
					src := &nullSource{size: size, mem: make([]byte, size)}
					c, err := New(Config{Budget: total * pct / 100, Source: src, Policy: v.policy(),
						PrefetchQueue: 64, manualPrefetch: true})
					if err != nil {
						b.Fatal(err)
					}
					rate, loads = tr.replay(b, c, v.hint, v.prefetch, max(v.lookahead, 1))
					c.Close()
				}
				b.ReportMetric(rate, "hit_rate")
				b.ReportMetric(loads, "loads/token")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*traceLayers*traceTopK*(traceWarm+traceTokens)), "ns/acquire")
			})
		}
	}
}

// beladyHitRate is the offline optimum (Belady's MIN) for the trace at a
// capacity of n experts: an upper bound for any policy, reported as a
// reference by BenchmarkDecodeTrace.
func (tr *decodeTrace) beladyHitRate(n int) float64 {
	var seq []Key
	for t := range tr.route {
		for l := range traceLayers {
			seq = append(seq, tr.route[t][l]...)
		}
	}
	next := make([]int, len(seq))
	last := map[Key]int{}
	for i := len(seq) - 1; i >= 0; i-- {
		next[i] = len(seq)
		if j, ok := last[seq[i]]; ok {
			next[i] = j
		}
		last[seq[i]] = i
	}
	cache := map[Key]int{} // key -> next use
	hits, counted := 0, 0
	warm := traceWarm * traceLayers * traceTopK
	for i, k := range seq {
		_, hit := cache[k]
		if i >= warm {
			counted++
			if hit {
				hits++
			}
		}
		if !hit && len(cache) == n {
			var far Key
			farAt := -1
			for q, at := range cache {
				if at > farAt || (at == farAt && (q.Layer < far.Layer || q.Layer == far.Layer && q.Expert < far.Expert)) {
					far, farAt = q, at
				}
			}
			delete(cache, far)
		}
		cache[k] = next[i]
	}
	return float64(hits) / float64(counted)
}
