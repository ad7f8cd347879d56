package sample

import (
	"math"
	"math/rand/v2"
)

// Params configures a Sampler. The zero value is greedy decoding without
// repetition penalty.
type Params struct {
	// Temp is the softmax temperature; <= 0 means greedy (argmax).
	Temp float32
	// TopK keeps the K most likely tokens; <= 0 disables.
	TopK int
	// TopP keeps the smallest most-likely set whose probability reaches
	// TopP; <= 0 or >= 1 disables.
	TopP float32
	// MinP drops tokens less likely than MinP times the most likely one;
	// <= 0 disables.
	MinP float32
	// RepeatPenalty divides positive and multiplies negative logits of the
	// tokens seen in the last RepeatLastN history entries (llama.cpp
	// semantics, once per distinct token); 0 and 1 disable.
	RepeatPenalty float32
	// RepeatLastN is the penalty window; 0 disables the penalty, < 0 means
	// the whole history.
	RepeatLastN int
	// Seed makes the draws deterministic: equal Params and inputs give equal
	// tokens.
	Seed uint64
}

// Sampler picks tokens from logits. Operations, in order:
//
//	repetition penalty -> top-k -> temperature -> softmax -> top-p -> min-p -> draw
//
// With Temp <= 0 the penalised argmax is returned. Ties are broken by the
// lowest token id everywhere (argmax, top-k, top-p ordering). NaN logits
// count as -Inf. A Sampler owns reusable buffers: after the first call with
// a given vocabulary size, Sample does not allocate. Not safe for
// concurrent use. The zero value is a greedy sampler; New configures others.
type Sampler struct {
	p     Params
	rng   *rand.Rand
	work  []float32 // penalised logits
	stamp []uint32  // stamp[id] == gen marks id as already penalised
	gen   uint32
	cand  []cand
}

type cand struct {
	id    int32
	logit float32
	p     float64
}

// New returns a Sampler for p.
func New(p Params) *Sampler {
	return &Sampler{p: p, rng: rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))}
}

// Params returns the sampler's parameters.
func (s *Sampler) Params() Params { return s.p }

// Sample returns the chosen token id for logits (indexed by id), given the
// ids generated or read so far (history, oldest first; out-of-range ids are
// ignored). It does not modify logits or history. It returns -1 for empty
// logits.
func (s *Sampler) Sample(logits []float32, history []int32) int32 {
	n := len(logits)
	if n == 0 {
		return -1
	}
	s.penalise(logits, history)
	if s.p.Temp <= 0 {
		return argmax(s.work)
	}
	c := s.topK()
	sorted := len(c) < n
	inv := 1 / float64(s.p.Temp)
	maxL := math.Inf(-1)
	for i := range c {
		maxL = max(maxL, float64(c[i].logit)*inv)
	}
	if math.IsInf(maxL, -1) {
		return lowestID(c)
	}
	sum := 0.0
	for i := range c {
		c[i].p = math.Exp(float64(c[i].logit)*inv - maxL)
		sum += c[i].p
	}
	for i := range c {
		c[i].p /= sum
	}
	if tp := float64(s.p.TopP); tp > 0 && tp < 1 {
		c = topP(c, tp, sorted)
	}
	if mp := float64(s.p.MinP); mp > 0 {
		c = minP(c, mp)
	}
	return s.draw(c)
}

// penalise fills s.work with logits, NaN as -Inf and the repetition penalty
// applied.
func (s *Sampler) penalise(logits []float32, history []int32) {
	n := len(logits)
	if cap(s.work) < n {
		s.work = make([]float32, n)
	}
	s.work = s.work[:n]
	for i, l := range logits {
		if l != l {
			l = float32(math.Inf(-1))
		}
		s.work[i] = l
	}
	pen := s.p.RepeatPenalty
	if pen <= 0 || pen == 1 || s.p.RepeatLastN == 0 || len(history) == 0 {
		return
	}
	if len(s.stamp) < n {
		s.stamp = make([]uint32, n)
		s.gen = 0
	}
	s.gen++
	if s.gen == 0 { // wrapped: clear stale stamps
		clear(s.stamp)
		s.gen = 1
	}
	if last := s.p.RepeatLastN; last > 0 && last < len(history) {
		history = history[len(history)-last:]
	}
	for _, id := range history {
		if id < 0 || int(id) >= n || s.stamp[id] == s.gen {
			continue
		}
		s.stamp[id] = s.gen
		if l := s.work[id]; l <= 0 {
			s.work[id] = l * pen
		} else {
			s.work[id] = l / pen
		}
	}
}

func argmax(w []float32) int32 {
	best := 0
	for i, l := range w {
		if l > w[best] {
			best = i
		}
	}
	return int32(best)
}

func lowestID(c []cand) int32 {
	best := c[0].id
	for _, x := range c {
		best = min(best, x.id)
	}
	return best
}

// better orders candidates: higher logit first, then lower id.
func better(a, b cand) bool {
	return a.logit > b.logit || (a.logit == b.logit && a.id < b.id)
}

// topK returns the candidate list: the K best, sorted best first, or every
// token in id order when top-k is disabled.
func (s *Sampler) topK() []cand {
	n := len(s.work)
	if cap(s.cand) < n {
		s.cand = make([]cand, n)
	}
	k := s.p.TopK
	if k <= 0 || k >= n {
		c := s.cand[:n]
		for i, l := range s.work {
			c[i] = cand{id: int32(i), logit: l}
		}
		return c
	}
	// Min-heap (worst at the root) of the best k seen so far.
	// Ids arrive in increasing order, so a later token with the root's logit
	// is worse than the root: only a strictly higher logit replaces it.
	h := s.cand[:0]
	for i, l := range s.work[:k] {
		h = append(h, cand{id: int32(i), logit: l})
		siftUp(h, len(h)-1, worse)
	}
	thr := h[0].logit
	for i, l := range s.work[k:] {
		if !(l > thr) {
			continue
		}
		h[0] = cand{id: int32(i + k), logit: l}
		siftDown(h, 0, worse)
		thr = h[0].logit
	}
	// Heap-sort: repeatedly move the worst to the end -> best first.
	for end := len(h) - 1; end > 0; end-- {
		h[0], h[end] = h[end], h[0]
		siftDown(h[:end], 0, worse)
	}
	return h
}

func worse(a, b cand) bool { return better(b, a) }

// betterP orders by probability, then lower id.
func betterP(a, b cand) bool { return a.p > b.p || (a.p == b.p && a.id < b.id) }

// topP keeps the best candidates until their probability reaches tp. If c
// is not sorted, a max-heap yields candidates best first without a full
// sort; the kept ones end up at the front of c, best first.
func topP(c []cand, tp float64, sorted bool) []cand {
	if sorted {
		cum := 0.0
		for i := range c {
			cum += c[i].p
			if cum >= tp {
				return c[:i+1]
			}
		}
		return c
	}
	for i := len(c)/2 - 1; i >= 0; i-- {
		siftDown(c, i, betterP)
	}
	cum, kept := 0.0, 0
	for end := len(c); end > 0 && cum < tp; end-- {
		cum += c[0].p
		c[0], c[end-1] = c[end-1], c[0]
		siftDown(c[:end-1], 0, betterP)
		kept++
	}
	// The popped candidates sit at the tail, best last: move them to the
	// front, best first.
	tail := c[len(c)-kept:]
	for i, j := 0, len(tail)-1; i < j; i, j = i+1, j-1 {
		tail[i], tail[j] = tail[j], tail[i]
	}
	copy(c, tail)
	return c[:kept]
}

// minP keeps candidates with p >= mp * max p, preserving order.
func minP(c []cand, mp float64) []cand {
	maxP := 0.0
	for _, x := range c {
		maxP = max(maxP, x.p)
	}
	out := c[:0]
	for _, x := range c {
		if x.p >= mp*maxP {
			out = append(out, x)
		}
	}
	return out
}

// draw picks from c in proportion to p (renormalised over c).
func (s *Sampler) draw(c []cand) int32 {
	sum := 0.0
	for _, x := range c {
		sum += x.p
	}
	r := s.rng.Float64() * sum
	for _, x := range c {
		r -= x.p
		if r < 0 {
			return x.id
		}
	}
	return c[len(c)-1].id
}

// siftUp and siftDown maintain a heap whose root is the element for which
// less(root, other) holds.
func siftUp(h []cand, i int, less func(a, b cand) bool) {
	for i > 0 {
		p := (i - 1) / 2
		if !less(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func siftDown(h []cand, i int, less func(a, b cand) bool) {
	for {
		l, m := 2*i+1, i
		if l < len(h) && less(h[l], h[m]) {
			m = l
		}
		if r := l + 1; r < len(h) && less(h[r], h[m]) {
			m = r
		}
		if m == i {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
