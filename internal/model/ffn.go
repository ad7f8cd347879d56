package model

import (
	"context"
	"fmt"
	"github.com/edgemoe/edgemoe/internal/kernels"
	"slices"
)

// swiglu computes out[t] = down(silu(gate x[t]) * up x[t]) for T tokens.
// g and u are scratch of T*gate.Rows.
func (s *Session) swiglu(gate, up, down *Matrix, x []float32, T int, out []float32) {
	p := s.m.Prec
	F := gate.Rows
	g, u := s.s.g[:T*F], s.s.u[:T*F]
	linear(s.m.Pool, p, gate, x, T, g, &s.s.act)
	linear(s.m.Pool, p, up, x, T, u, &s.s.act)
	kernels.SwiGLU(g, g, u)
	linear(s.m.Pool, p, down, g, T, out, &s.s.act)
}

func (s *Session) dense(L *Layer, h []float32, T int, out []float32) {
	s.swiglu(L.Gate, L.Up, L.Down, h, T, out)
}

// moe runs the routed experts and the shared expert. Each token's routed
// contributions are summed in ascending expert order whatever the batch, so
// prefill and one-token decode give identical bits.
func (s *Session) moe(ctx context.Context, l int, L *Layer, h []float32, T int, out []float32) error {
	c := s.m.Cfg
	E, K := c.Embd, c.ExpertsUsed
	logits := s.s.logitsR[:T*c.Experts]
	linear(s.m.Pool, s.m.Prec, L.Router, h, T, logits, &s.s.act)
	sel, wsel := s.s.sel[:T*K], s.s.wsel[:T*K]
	for t := 0; t < T; t++ {
		route(c, logits[t*c.Experts:(t+1)*c.Experts], L.RouterB, s.s.scores, sel[t*K:(t+1)*K], wsel[t*K:(t+1)*K])
	}
	if s.m.Hooks.Routed != nil {
		s.m.Hooks.Routed(l, sel)
	}
	clear(out[:T*E])
	if err := s.routed(ctx, l, L, h, T, sel, wsel, out); err != nil {
		return err
	}
	if L.GateShexp == nil {
		return nil
	}
	sh := s.s.h2(T * E)
	s.swiglu(L.GateShexp, L.UpShexp, L.DownShexp, h, T, sh)
	add(out[:T*E], sh)
	return nil
}

// routed computes, for every expert chosen by any token of the batch (in
// ascending id), the expert FFN of the tokens that chose it, and adds the
// weighted result to out. Each expert is acquired once per batch.
func (s *Session) routed(ctx context.Context, l int, L *Layer, h []float32, T int, sel []int32, wsel []float32, out []float32) error {
	c := s.m.Cfg
	E, K, F := c.Embd, c.ExpertsUsed, c.FFExpert
	order := s.s.order(sel)
	xs := s.s.gatherX(T * E)
	ys := s.s.gatherY(T * E)
	acq := s.acquirer(ctx, l, order)
	defer acq.drain()
	for i, e := range order {
		// tokens that picked e, in token order
		n := 0
		for t := 0; t < T; t++ {
			for k := 0; k < K; k++ {
				if sel[t*K+k] == e {
					copy(xs[n*E:(n+1)*E], h[t*E:(t+1)*E])
					s.s.tok[n], s.s.tw[n] = int32(t), wsel[t*K+k]
					n++
				}
			}
		}
		hd, err := acq.get(i)
		if err != nil {
			return fmt.Errorf("layer %d expert %d: %w", l, e, err)
		}
		ex := hd.Expert()
		gate := Matrix{Type: L.GateExps.Type, Rows: F, Cols: E, Data: ex.Gate}
		up := Matrix{Type: L.UpExps.Type, Rows: F, Cols: E, Data: ex.Up}
		down := Matrix{Type: L.DownExps.Type, Rows: E, Cols: F, Data: ex.Down}
		s.swiglu(&gate, &up, &down, xs[:n*E], n, ys[:n*E])
		hd.Release()
		for i := 0; i < n; i++ {
			t := int(s.s.tok[i])
			kernels.Axpy(out[t*E:(t+1)*E], s.s.tw[i], ys[i*E:(i+1)*E])
		}
	}
	return nil
}

// order returns the distinct experts in sel, ascending.
func (s *scratch) order(sel []int32) []int32 {
	s.ord = append(s.ord[:0], sel...)
	slices.Sort(s.ord)
	return slices.Compact(s.ord)
}

func (s *scratch) gatherX(n int) []float32 {
	if cap(s.gx) < n {
		s.gx = make([]float32, n)
		s.tok = make([]int32, n)
		s.tw = make([]float32, n)
	}
	return s.gx[:n]
}

func (s *scratch) gatherY(n int) []float32 {
	if cap(s.gy) < n {
		s.gy = make([]float32, n)
	}
	return s.gy[:n]
}

func (s *scratch) h2(n int) []float32 {
	if cap(s.sh) < n {
		s.sh = make([]float32, n)
	}
	return s.sh[:n]
}
