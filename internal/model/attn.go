package model

import (
	"github.com/edgemoe/edgemoe/internal/kernels"
)

// attention runs MLA for T tokens at positions s.pos.. and writes the
// attn_output projection to out (T*E). Every token's latent KV is stored
// first; each query then attends causally to positions up to its own.
func (s *Session) attention(l int, L *Layer, h []float32, T int, out []float32) {
	c := s.m.Cfg
	p := s.m.Prec
	H, C, dn, dr, dv := c.Heads, c.KVLoraRank, c.QKNope, c.QKRope, c.VHead
	qw := dn + dr
	q := s.s.q[:T*H*qw]
	if L.QA != nil {
		qa := s.s.qa[:T*c.QLoraRank]
		linear(s.m.Pool, p, L.QA, h, T, qa, &s.s.act)
		for t := 0; t < T; t++ {
			row := qa[t*c.QLoraRank : (t+1)*c.QLoraRank]
			kernels.RMSNorm(row, row, L.QANorm, c.RMSEps)
		}
		linear(s.m.Pool, p, L.QB, qa, T, q, &s.s.act)
	} else {
		linear(s.m.Pool, p, L.Q, h, T, q, &s.s.act)
	}
	kv := s.s.kv[:T*(C+dr)]
	linear(s.m.Pool, p, L.KVAMQA, h, T, kv, &s.s.act)
	for t := 0; t < T; t++ {
		row := kv[t*(C+dr) : (t+1)*(C+dr)]
		lat, kpe := row[:C], row[C:]
		kernels.RMSNorm(lat, lat, L.KVANorm, c.RMSEps)
		s.m.rope.Apply(kpe, s.pos+t)
		s.kv.Store(l, s.pos+t, lat, kpe)
	}
	scale := c.AttnScale()
	o := s.s.o[:T*H*dv]
	for t := 0; t < T; t++ {
		qt := q[t*H*qw : (t+1)*H*qw]
		for hd := 0; hd < H; hd++ {
			qn := qt[hd*qw : hd*qw+dn]
			pe := s.s.qPe[hd*dr : (hd+1)*dr]
			copy(pe, qt[hd*qw+dn:(hd+1)*qw])
			s.m.rope.Apply(pe, s.pos+t)
			s.absorbQ(L, hd, qn, s.s.qAbs[hd*C:(hd+1)*C])
		}
		s.kv.Attend(l, s.pos+t, H, s.s.qAbs, s.s.qPe, scale, s.s.oLat, &s.s.attn, s.m.Pool)
		for hd := 0; hd < H; hd++ {
			s.valueOut(L, hd, s.s.oLat[hd*C:(hd+1)*C], o[(t*H+hd)*dv:(t*H+hd+1)*dv])
		}
	}
	linear(s.m.Pool, p, L.AttnOut, o, T, out, &s.s.act)
}

// absorbQ computes q_abs = k_b[head]^T-contracted q_nope (length C).
func (s *Session) absorbQ(L *Layer, head int, qn, qAbs []float32) {
	if L.KB != nil {
		kb := L.KB.At(head)
		linear(s.m.Pool, s.m.Prec, &kb, qn, 1, qAbs, &s.s.act)
		return
	}
	// Legacy attn_kv_b: head's first dn rows are W_k (dn x C); q_abs = W_k^T q_nope.
	c := s.m.Cfg
	dn, dv := c.QKNope, c.VHead
	clear(qAbs)
	row := s.s.vrow
	for d := 0; d < dn; d++ {
		kernels.Dequantize(L.KVB.Type, L.KVB.Row(head*(dn+dv)+d), row)
		a := qn[d]
		for i, v := range row {
			qAbs[i] += a * v
		}
	}
}

// valueOut projects a head's latent output to its value (length dv).
func (s *Session) valueOut(L *Layer, head int, oLat, o []float32) {
	if L.VB != nil {
		vb := L.VB.At(head)
		linear(s.m.Pool, s.m.Prec, &vb, oLat, 1, o, &s.s.act)
		return
	}
	c := s.m.Cfg
	dn, dv := c.QKNope, c.VHead
	rb := L.KVB.RowBytes()
	first := head*(dn+dv) + dn
	wv := Matrix{Name: L.KVB.Name, Type: L.KVB.Type, Rows: dv, Cols: L.KVB.Cols,
		Data: L.KVB.Data[first*rb : (first+dv)*rb]}
	linear(s.m.Pool, s.m.Prec, &wv, oLat, 1, o, &s.s.act)
}
