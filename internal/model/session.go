package model

import (
	"context"
	"fmt"

	"github.com/edgemoe/edgemoe/attention"
	"github.com/edgemoe/edgemoe/internal/kernels"
)

// Session is one causal sequence: a latent KV cache and the position of the
// next token. It owns its scratch memory; it is not safe for concurrent
// use (use one Session per sequence).
type Session struct {
	m      *Model
	kv     *attention.Cache
	pos    int
	s      scratch
	loader Loader // from an AsyncSource, made on first use
}

// NewSession makes a session holding up to ctx positions.
func (m *Model) NewSession(ctx int, kvType attention.KVType) *Session {
	c := m.Cfg
	return &Session{m: m, kv: attention.NewCache(kvType, c.Layers, ctx, c.KVLoraRank, c.QKRope)}
}

// Pos is the number of tokens already in the cache.
func (s *Session) Pos() int { return s.pos }

// Context is the capacity of the session's KV cache.
func (s *Session) Context() int { return s.kv.Context() }

// Truncate forgets every position from n on (n <= Pos), so a prompt that
// shares a prefix with the cached one reuses it.
func (s *Session) Truncate(n int) {
	if n >= 0 && n < s.pos {
		s.pos = n
	}
}

// KVBytes is the memory of the session's KV cache.
func (s *Session) KVBytes() int64 { return s.kv.Bytes() }

// Forward runs tokens at positions Pos()..Pos()+len(tokens)-1 and appends
// them to the cache. When logits is non-nil it receives, for allLogits,
// len(tokens)*Vocab values (every position), else Vocab values (the last).
// The result for a position does not depend on how tokens are batched.
func (s *Session) Forward(ctx context.Context, tokens []int32, logits []float32, allLogits bool) error {
	c := s.m.Cfg
	T := len(tokens)
	if T == 0 {
		return nil
	}
	if s.pos+T > s.kv.Context() {
		return fmt.Errorf("context full: %d cached + %d new tokens exceeds the context of %d", s.pos, T, s.kv.Context())
	}
	for i, t := range tokens {
		if t < 0 || int(t) >= c.Vocab {
			return fmt.Errorf("token %d at index %d is outside the vocabulary [0, %d)", t, i, c.Vocab)
		}
	}
	need := c.Vocab
	if allLogits {
		need *= T
	}
	if logits != nil && len(logits) < need {
		return fmt.Errorf("logits buffer holds %d values, need %d", len(logits), need)
	}
	s.s.grow(c, T)
	x := s.s.x[:T*c.Embd]
	s.embed(tokens, x)
	for l := 0; l < c.Layers; l++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.layer(ctx, l, x, T); err != nil {
			return err
		}
	}
	s.pos += T
	if logits == nil {
		return nil
	}
	first := 0
	if !allLogits {
		first = T - 1
	}
	n := T - first
	h := s.s.h[:n*c.Embd]
	for t := 0; t < n; t++ {
		kernels.RMSNorm(h[t*c.Embd:(t+1)*c.Embd], x[(first+t)*c.Embd:(first+t+1)*c.Embd], s.m.W.OutputNorm, c.RMSEps)
	}
	linear(s.m.Pool, s.m.Prec, s.m.W.Output, h, n, logits[:n*c.Vocab], &s.s.act)
	return nil
}

func (s *Session) embed(tokens []int32, x []float32) {
	E := s.m.Cfg.Embd
	emb := s.m.W.TokenEmbd
	for t, id := range tokens {
		kernels.Dequantize(emb.Type, emb.Row(int(id)), x[t*E:(t+1)*E])
	}
}

func (s *Session) layer(ctx context.Context, l int, x []float32, T int) error {
	c := s.m.Cfg
	L := &s.m.W.Layers[l]
	E := c.Embd
	if s.m.Hooks.BeforeLayer != nil {
		s.m.Hooks.BeforeLayer(l, x, T)
	}
	h := s.s.h[:T*E]
	for t := 0; t < T; t++ {
		kernels.RMSNorm(h[t*E:(t+1)*E], x[t*E:(t+1)*E], L.AttnNorm, c.RMSEps)
	}
	out := s.s.out[:T*E]
	s.attention(l, L, h, T, out)
	add(x, out)
	for t := 0; t < T; t++ {
		kernels.RMSNorm(h[t*E:(t+1)*E], x[t*E:(t+1)*E], L.FFNNorm, c.RMSEps)
	}
	if !c.IsMoE(l) {
		s.dense(L, h, T, out)
	} else if err := s.moe(ctx, l, L, h, T, out); err != nil {
		return err
	}
	add(x, out)
	return nil
}

func add(dst, x []float32) { kernels.Add(dst, x[:len(dst)]) }

// scratch is the working memory of one forward pass, grown to the largest
// batch seen and reused.
type scratch struct {
	T                  int
	x, h, out          []float32
	qa, q, kv          []float32
	qAbs, qPe, oLat, o []float32
	vrow               []float32
	g, u               []float32
	logitsR, scores    []float32
	sel                []int32
	wsel               []float32
	act                []byte
	ord, tok           []int32
	tw, gx, gy, sh     []float32
	attn               attention.Scratch
	acq                acquire
}

func (s *scratch) grow(c *Config, T int) {
	if T <= s.T {
		return
	}
	s.T = T
	H := c.Heads
	ff := max(c.FFDense, c.FFExpert*max(c.Shared, 1))
	s.x = make([]float32, T*c.Embd)
	s.h = make([]float32, T*c.Embd)
	s.out = make([]float32, T*c.Embd)
	s.qa = make([]float32, T*max(c.QLoraRank, 1))
	s.q = make([]float32, T*H*(c.QKNope+c.QKRope))
	s.kv = make([]float32, T*(c.KVLoraRank+c.QKRope))
	s.qAbs = make([]float32, H*c.KVLoraRank)
	s.qPe = make([]float32, H*c.QKRope)
	s.oLat = make([]float32, H*c.KVLoraRank)
	s.o = make([]float32, T*H*c.VHead)
	s.vrow = make([]float32, c.KVLoraRank)
	s.g = make([]float32, T*ff)
	s.u = make([]float32, T*ff)
	s.logitsR = make([]float32, T*c.Experts)
	s.scores = make([]float32, c.Experts)
	s.sel = make([]int32, T*c.ExpertsUsed)
	s.wsel = make([]float32, T*c.ExpertsUsed)
}
