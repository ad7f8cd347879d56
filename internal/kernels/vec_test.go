package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(got float32, want, tol float64) bool {
	return math.Abs(float64(got)-want) <= tol*math.Max(1, math.Abs(want))
}

func TestRMSNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	x, w := gaussian(r, 333, 3), gaussian(r, 333, 1)
	dst := make([]float32, len(x))
	RMSNorm(dst, x, w, 1e-6)
	var ss float64
	for _, v := range x {
		ss += float64(v) * float64(v)
	}
	scale := 1 / math.Sqrt(ss/float64(len(x))+1e-6)
	for i := range x {
		if want := float64(x[i]) * scale * float64(w[i]); !near(dst[i], want, 4*eps32) {
			t.Fatalf("element %d: %v, want %v", i, dst[i], want)
		}
	}
	// In place and without weights.
	y := append([]float32(nil), x...)
	RMSNorm(y, y, nil, 1e-6)
	for i := range x {
		if want := float64(x[i]) * scale; !near(y[i], want, 4*eps32) {
			t.Fatalf("unweighted element %d: %v, want %v", i, y[i], want)
		}
	}
}

func TestSoftmax(t *testing.T) {
	tests := [][]float32{
		{0},
		{1, 2, 3},
		{-1000, 0, 1000},
		{88, 88, -3.5, 17},
	}
	for _, x := range tests {
		y := append([]float32(nil), x...)
		Softmax(y)
		m := math.Inf(-1)
		for _, v := range x {
			m = math.Max(m, float64(v))
		}
		var sum float64
		for _, v := range x {
			sum += math.Exp(float64(v) - m)
		}
		for i, v := range x {
			if want := math.Exp(float64(v)-m) / sum; !near(y[i], want, 4*eps32) {
				t.Errorf("softmax(%v)[%d] = %v, want %v", x, i, y[i], want)
			}
		}
	}
	Softmax(nil)
}

func TestSwiGLUAxpyAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	g, u := gaussian(r, 100, 4), gaussian(r, 100, 1)
	dst := make([]float32, 100)
	SwiGLU(dst, g, u)
	s := make([]float32, 100)
	SiLU(s, g)
	for i := range g {
		silu := float64(g[i]) / (1 + math.Exp(-float64(g[i])))
		if !near(s[i], silu, 4*eps32) {
			t.Fatalf("silu(%v) = %v, want %v", g[i], s[i], silu)
		}
		if !near(dst[i], silu*float64(u[i]), 6*eps32) {
			t.Fatalf("swiglu element %d = %v, want %v", i, dst[i], silu*float64(u[i]))
		}
	}
	y := append([]float32(nil), u...)
	Axpy(y, 0.5, g)
	for i := range y {
		if want := u[i] + float32(0.5*g[i]); y[i] != want {
			t.Fatalf("axpy element %d = %v, want %v", i, y[i], want)
		}
	}
	Add(y, g)
	Scale(y, 2)
	for i := range y {
		if want := 2 * (u[i] + float32(0.5*g[i]) + g[i]); y[i] != want {
			t.Fatalf("add/scale element %d = %v, want %v", i, y[i], want)
		}
	}
}
