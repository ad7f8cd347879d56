package attention

import "math"

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
			sc := dot(qAbs[h*C:(h+1)*C], lat) + dot(qPe[h*dr:(h+1)*dr], pe)
			s.scores[h*n+t] = sc * scale
		}
	}
	for h := 0; h < heads; h++ {
		softmax(s.scores[h*n : (h+1)*n])
	}
	clear(out[:heads*C])
	for t := 0; t < n; t++ {
		lat := k.row(layer, t, s.row)[:C]
		for h := 0; h < heads; h++ {
			p := s.scores[h*n+t]
			o := out[h*C : (h+1)*C]
			for i, v := range lat {
				o[i] += p * v
			}
		}
	}
}

func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func softmax(x []float32) {
	m := float32(math.Inf(-1))
	for _, v := range x {
		m = max(m, v)
	}
	var sum float64
	for i, v := range x {
		e := math.Exp(float64(v - m))
		x[i] = float32(e)
		sum += e
	}
	inv := float32(1 / sum)
	for i := range x {
		x[i] *= inv
	}
}
