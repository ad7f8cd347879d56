package model

import "math"

// rmsNorm writes x / sqrt(mean(x^2) + eps) * w to dst (dst may alias x).
// Squares are summed in float64, as llama.cpp does.
func rmsNorm(dst, x, w []float32, eps float32) {
	var sum float64
	for _, v := range x {
		sum += float64(v * v)
	}
	// As ggml: the mean is rounded to float32, then 1/sqrtf(mean+eps).
	mean := float32(sum / float64(len(x)))
	scale := 1 / float32(math.Sqrt(float64(mean+eps)))
	dst = dst[:len(x)]
	w = w[:len(x)]
	for i, v := range x {
		dst[i] = (v * scale) * w[i]
	}
}

// swigluInPlace sets g[i] = silu(g[i]) * u[i].
func swigluInPlace(g, u []float32) {
	u = u[:len(g)]
	for i, v := range g {
		g[i] = v / (1 + float32(math.Exp(float64(-v)))) * u[i]
	}
}

// axpy adds a*x to dst.
func axpy(dst []float32, a float32, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] += a * x[i]
	}
}
