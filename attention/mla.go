package attention

import "github.com/edgemoe/edgemoe/internal/kernels"

// Scratch holds per-call working memory for Attend so the decode path does
// not allocate. The zero value is ready; it grows on demand. Not safe for
// concurrent use.
type Scratch struct {
	scores []float32
	row    []float32
}

func (s *Scratch) grow(scores, row int) {
	if cap(s.scores) < scores {
		s.scores = make([]float32, scores)
	}
	s.scores = s.scores[:scores]
	if cap(s.row) < row {
		s.row = make([]float32, row)
	}
	s.row = s.row[:row]
}

// Attend computes absorbed MLA for one query at position pos of layer,
// attending causally to cache positions 0..pos (which must be stored):
//
//	score[h,t] = (qAbs[h]·latent[t] + qPe[h]·kpe[t]) * scale
//	out[h]     = sum_t softmax_t(score[h,·])[t] * latent[t]
//
// qAbs is heads*C, qPe heads*dr (already rotated), out heads*C. The
// reduction order is fixed, so results do not depend on batch shape.
func (k *Cache) Attend(layer, pos, heads int, qAbs, qPe []float32, scale float32, out []float32, s *Scratch) {
	n := pos + 1
	C, dr := k.c, k.dr
	s.grow(heads*n, C+dr)
	for t := 0; t < n; t++ {
		row := k.row(layer, t, s.row)
		lat, pe := row[:C], row[C:C+dr]
		for h := 0; h < heads; h++ {
			sc := kernels.DotF32F32(qAbs[h*C:(h+1)*C], lat) + kernels.DotF32F32(qPe[h*dr:(h+1)*dr], pe)
			s.scores[h*n+t] = sc * scale
		}
	}
	for h := 0; h < heads; h++ {
		kernels.Softmax(s.scores[h*n : (h+1)*n])
	}
	clear(out[:heads*C])
	for t := 0; t < n; t++ {
		lat := k.row(layer, t, s.row)[:C]
		for h := 0; h < heads; h++ {
			p := s.scores[h*n+t]
			kernels.Axpy(out[h*C:(h+1)*C], p, lat)
		}
	}
}
