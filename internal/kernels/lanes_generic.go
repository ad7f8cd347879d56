package kernels

// lanes8 holds the 8 float32 lanes of the canonical float dot order.
type lanes8 [8]float32

// addN adds whole 8-element chunks of w·x; len(w) must be a multiple of 8
// and len(x) at least len(w).
func (l *lanes8) addN(w, x []float32) {
	x = x[:len(w)]
	l0, l1, l2, l3, l4, l5, l6, l7 := l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]
	for i := 0; i+8 <= len(w); i += 8 {
		ww, xx := (*[8]float32)(w[i:]), (*[8]float32)(x[i:])
		l0 += float32(ww[0] * xx[0])
		l1 += float32(ww[1] * xx[1])
		l2 += float32(ww[2] * xx[2])
		l3 += float32(ww[3] * xx[3])
		l4 += float32(ww[4] * xx[4])
		l5 += float32(ww[5] * xx[5])
		l6 += float32(ww[6] * xx[6])
		l7 += float32(ww[7] * xx[7])
	}
	*l = lanes8{l0, l1, l2, l3, l4, l5, l6, l7}
}

// sum reduces the lanes in the canonical tree order.
func (l *lanes8) sum() float32 {
	a0 := l[0] + l[4]
	a1 := l[1] + l[5]
	a2 := l[2] + l[6]
	a3 := l[3] + l[7]
	return (a0 + a2) + (a1 + a3)
}

// dotF32F32Generic is the canonical float32 dot product of a and b[:len(a)].
func dotF32F32Generic(a, b []float32) float32 {
	b = b[:len(a)]
	var l lanes8
	n8 := len(a) &^ 7
	l.addN(a[:n8], b[:n8])
	s := l.sum()
	for i := n8; i < len(a); i++ {
		s += float32(a[i] * b[i])
	}
	return s
}
