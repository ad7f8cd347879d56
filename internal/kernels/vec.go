package kernels

import "fmt"

// The float32 vector kernels in use; architecture files may replace them
// at init. The generic twins in vec_generic.go stay the test oracle.
var (
	dotF32F32Impl = dotF32F32Generic
	rmsNormImpl   = rmsNormGeneric
	softmaxImpl   = softmaxGeneric
	swigluImpl    = swigluGeneric
	siluImpl      = siluGeneric
	axpyImpl      = axpyGeneric
	addImpl       = addGeneric
	scaleImpl     = scaleGeneric
)

func sameLen(what string, a, b int) {
	if a != b {
		panic(fmt.Sprintf("kernels: %s: lengths %d and %d differ", what, a, b))
	}
}

// DotF32F32 returns the dot product of a and b (equal lengths) in the
// canonical 8-lane float32 order.
func DotF32F32(a, b []float32) float32 {
	sameLen("dotf32f32", len(a), len(b))
	return dotF32F32Impl(a, b)
}

// RMSNorm sets dst = x / sqrt(mean(x²) + eps) * w, as ggml's rms_norm
// followed by a multiply: the sum of squares is accumulated in float64 in
// element order, and x*scale is rounded before it is multiplied by w. w may
// be nil (no weight). dst may alias x.
func RMSNorm(dst, x, w []float32, eps float32) {
	sameLen("rmsnorm", len(dst), len(x))
	if w != nil {
		sameLen("rmsnorm", len(w), len(x))
	}
	if len(x) == 0 {
		return
	}
	rmsNormImpl(dst, x, w, eps)
}

// Softmax replaces x by softmax(x) in place (ggml's order: max, exp and a
// float64 sum in element order, then one multiply by the rounded inverse).
func Softmax(x []float32) { softmaxImpl(x) }

// SiLU sets dst[i] = x[i]/(1+exp(-x[i])). dst may alias x.
func SiLU(dst, x []float32) {
	sameLen("silu", len(dst), len(x))
	siluImpl(dst, x)
}

// SwiGLU sets dst[i] = SiLU(gate[i]) * up[i]. dst may alias gate or up.
func SwiGLU(dst, gate, up []float32) {
	sameLen("swiglu", len(dst), len(gate))
	sameLen("swiglu", len(up), len(gate))
	swigluImpl(dst, gate, up)
}

// Axpy sets dst[i] += a*x[i], the product rounded before the add.
func Axpy(dst []float32, a float32, x []float32) {
	sameLen("axpy", len(dst), len(x))
	axpyImpl(dst, a, x)
}

// Add sets dst[i] += x[i].
func Add(dst, x []float32) {
	sameLen("add", len(dst), len(x))
	addImpl(dst, x)
}

// Scale sets dst[i] *= a.
func Scale(dst []float32, a float32) { scaleImpl(dst, a) }
