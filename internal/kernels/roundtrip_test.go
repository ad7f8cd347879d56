package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// allTypes are the types with kernels, in id order.
var allTypes = []tensor.DType{
	tensor.F32, tensor.F16, tensor.BF16, tensor.Q4_0, tensor.Q4_1, tensor.Q5_0, tensor.Q5_1,
	tensor.Q8_0, tensor.Q8_1, tensor.Q2_K, tensor.Q3_K, tensor.Q4_K, tensor.Q5_K, tensor.Q6_K, tensor.Q8_K,
}

// weightTypes are the types Dot accepts as weights.
var weightTypes = []tensor.DType{
	tensor.F32, tensor.F16, tensor.BF16, tensor.Q4_0, tensor.Q4_1, tensor.Q5_0, tensor.Q5_1,
	tensor.Q8_0, tensor.Q2_K, tensor.Q3_K, tensor.Q4_K, tensor.Q5_K, tensor.Q6_K,
}

// relRMSEBound is the largest quantize->dequantize RMS error, relative to
// the RMS of Gaussian data, each type may show: about 1.15 times what the
// quantizers measured when written, so a regression shows.
var relRMSEBound = map[tensor.DType]float64{
	tensor.F32: 0, tensor.F16: 2.5e-4, tensor.BF16: 2e-3,
	tensor.Q8_0: 6.5e-3, tensor.Q8_1: 6.5e-3, tensor.Q8_K: 8e-3,
	tensor.Q6_K: 0.025, tensor.Q5_0: 0.05, tensor.Q5_1: 0.045, tensor.Q5_K: 0.042,
	tensor.Q4_0: 0.1, tensor.Q4_1: 0.09, tensor.Q4_K: 0.08,
	tensor.Q3_K: 0.18, tensor.Q2_K: 0.33,
}

func gaussian(r *rand.Rand, n int, scale float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64()) * scale
	}
	return x
}

func rowBytes(t tensor.DType, n int) int {
	rb, err := tensor.RowBytes(t, int64(n))
	if err != nil {
		panic(err)
	}
	return int(rb)
}

func quantize(t tensor.DType, x []float32) []byte {
	b := make([]byte, rowBytes(t, len(x)))
	QuantizeRow(t, x, b)
	return b
}

func dequantize(t tensor.DType, b []byte, n int) []float32 {
	y := make([]float32, n)
	Dequantize(t, b, y)
	return y
}

func relRMSE(x, y []float32) float64 {
	var se, ss float64
	for i := range x {
		d := float64(x[i]) - float64(y[i])
		se += d * d
		ss += float64(x[i]) * float64(x[i])
	}
	return math.Sqrt(se / ss)
}

func TestRoundTripError(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 4096
	for _, typ := range allTypes {
		t.Run(typ.String(), func(t *testing.T) {
			for _, scale := range []float32{1e-3, 1, 37} {
				x := gaussian(r, n, scale)
				y := dequantize(typ, quantize(typ, x), n)
				e := relRMSE(x, y)
				t.Logf("scale %g: relative rmse %.5f", scale, e)
				if e > relRMSEBound[typ] {
					t.Errorf("scale %g: relative rmse %.5f > bound %g", scale, e, relRMSEBound[typ])
				}
			}
		})
	}
}
