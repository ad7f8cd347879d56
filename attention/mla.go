package attention

import (
	"github.com/edgemoe/edgemoe/internal/kernels"
	"github.com/edgemoe/edgemoe/internal/parallel"
)

// Scratch holds per-call working memory for Attend so the decode path does
// not allocate. The zero value is ready; it grows on demand. Not safe for
// concurrent use.
type Scratch struct {
	scores []float32
	rows   []float32 // one decoded cache row per head chunk (f16 caches)

	// the current call, read by run (a method value made once, so a call
	// through the pool does not allocate)
	k         *Cache
	layer, n  int
	qAbs, qPe []float32
	out       []float32
	scale     float32
	fn        func(lo, hi int)
}

func (s *Scratch) grow(scores, rows int) {
	if cap(s.scores) < scores {
		s.scores = make([]float32, scores)
	}
	s.scores = s.scores[:scores]
	if cap(s.rows) < rows {
		s.rows = make([]float32, rows)
	}
	s.rows = s.rows[:rows]
	if s.fn == nil {
		s.fn = s.run
	}
}

// Attend computes absorbed MLA for one query at position pos of layer,
// attending causally to cache positions 0..pos (which must be stored):
//
//	score[h,t] = (qAbs[h]·latent[t] + qPe[h]·kpe[t]) * scale
//	out[h]     = sum_t softmax_t(score[h,·])[t] * latent[t]
//
// qAbs is heads*C, qPe heads*dr (already rotated), out heads*C. The
// reduction order is fixed, so results do not depend on batch shape.
func (k *Cache) Attend(layer, pos, heads int, qAbs, qPe []float32, scale float32, out []float32, s *Scratch, pool *parallel.Pool) {
	s.grow(heads*(pos+1), heads*(k.c+k.dr))
	s.k, s.layer, s.n, s.qAbs, s.qPe, s.out, s.scale = k, layer, pos+1, qAbs, qPe, out, scale
	pool.Run(heads, s.fn)
	s.k, s.qAbs, s.qPe, s.out = nil, nil, nil, nil
}

// run attends heads [lo, hi): each head's arithmetic is the same whatever
// the split, so results do not depend on the thread count.
func (s *Scratch) run(lo, hi int) {
	k, n := s.k, s.n
	C, dr := k.c, k.dr
	buf := s.rows[lo*(C+dr) : (lo+1)*(C+dr)]
	for t := 0; t < n; t++ {
		row := k.row(s.layer, t, buf)
		lat, pe := row[:C], row[C:C+dr]
		for h := lo; h < hi; h++ {
			sc := kernels.DotF32F32(s.qAbs[h*C:(h+1)*C], lat) + kernels.DotF32F32(s.qPe[h*dr:(h+1)*dr], pe)
			s.scores[h*n+t] = sc * s.scale
		}
	}
	for h := lo; h < hi; h++ {
		kernels.Softmax(s.scores[h*n : (h+1)*n])
	}
	clear(s.out[lo*C : hi*C])
	for t := 0; t < n; t++ {
		lat := k.row(s.layer, t, buf)[:C]
		for h := lo; h < hi; h++ {
			kernels.Axpy(s.out[h*C:(h+1)*C], s.scores[h*n+t], lat)
		}
	}
}
